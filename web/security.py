"""What every response carries and every request must show: security headers, a Host check, CSRF tokens.

`Guard` wraps the whole site (so error pages get the headers too): a request whose Host is
not one of the served names is refused with 400 before any page runs (DNS rebinding: a
foreign site's name pointed at this machine), and every response gets a Content-Security-
Policy without inline scripts or styles, nosniff, no framing and a same-origin referrer.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import socket

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The pages' policy: our own style sheet and nothing else; no scripts, no frames, forms only to us.
PAGE_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
               "frame-ancestors 'none'; base-uri 'none'")
#: An original file: a sandbox without scripts or plugins, whatever the file holds.
FILE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'none'"
#: A PDF shown in the browser's own viewer (a sandbox would keep the viewer out).
PDF_POLICY = "default-src 'none'; frame-ancestors 'none'"

_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"same-origin"), (b"cross-origin-opener-policy", b"same-origin"),
            (b"cross-origin-resource-policy", b"same-origin")]
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def served_names(host: str, extra: tuple[str, ...] = ()) -> set[str]:
    """The host names the site answers to: this computer's, the address it listens on, and `extra`.

    Listening on every address (0.0.0.0) adds the machine's own names; other names (a DNS alias
    in front of it) are given with --trusted-host.
    """
    names = set(_LOOPBACK) | {h.lower() for h in extra}
    if host in ("0.0.0.0", "::", ""):
        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
        try:
            names |= {a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None)}
        except OSError:
            pass
    else:
        names.add(host.lower())
    return names


def host_name(header: str) -> str:
    """The name in a Host header, without its port: 'localhost:8000' -> 'localhost', '[::1]:80' -> '::1'."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:header.find("]")] if "]" in header else header
    name, _, port = header.rpartition(":")
    if name and port.isdigit():
        return name
    return header


def _allowed(name: str, names: set[str]) -> bool:
    if name in names:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback and "127.0.0.1" in names
    except ValueError:
        return False


class Guard:
    """ASGI wrapper: the Host check and the security headers, around the whole site."""

    def __init__(self, app: ASGIApp, names: set[str]) -> None:
        self.app = app
        self.names = names

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = Headers(scope=scope).get("host", "")
        if not _allowed(host_name(host), self.names):
            await _refuse(send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", PAGE_POLICY.encode()))
                headers += [(k, v) for k, v in _HEADERS if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


async def _refuse(send: Send) -> None:
    body = "Okänd värd: sidan svarar bara på sina egna namn (se minutes serve --trusted-host).\n".encode()
    await send({"type": "http.response.start", "status": 400,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *_HEADERS,
                            (b"content-security-policy", PAGE_POLICY.encode())]})
    await send({"type": "http.response.body", "body": body})


class Csrf:
    """Tokens for the correction forms: an HMAC of the form's purpose under a secret of this process.

    The token is also set as a SameSite=Strict cookie; a POST must carry both, equal and valid,
    and come from this site (Origin or Referer), so another site cannot make a browser post one.
    """

    COOKIE = "minutes_csrf"

    def __init__(self) -> None:
        self.secret = secrets.token_bytes(32)

    def token(self) -> str:
        nonce = secrets.token_hex(16)
        return nonce + "." + hmac.new(self.secret, nonce.encode(), hashlib.sha256).hexdigest()

    def valid(self, form_token: str, cookie_token: str) -> bool:
        if not form_token or not hmac.compare_digest(form_token, cookie_token or ""):
            return False
        nonce, _, mac = form_token.partition(".")
        return hmac.compare_digest(mac, hmac.new(self.secret, nonce.encode(), hashlib.sha256).hexdigest())
