"""What every page handler shares: reading the warehouse off the event loop, within limits, and
rendering a template; and reading the request's parameters strictly (a bad one is a 400).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import anyio
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse

from minutes.core.settings import Settings
from minutes.warehouse.limits import QueryLimits, limited, time_limit
from minutes.warehouse.query import read_only

from .render import environment
from .security import Csrf

#: The menu: (path, label); the current page is marked with aria-current.
MENU = (("/", "Start och sök"), ("/uppdrag", "Uppdrag"), ("/beslut", "Beslut"), ("/organ", "Organ"),
        ("/uppfoljning", "Uppföljning"))
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class Site:
    """The warehouse, the day deadlines count from, the settings, and whether corrections may be made."""

    db: str
    today: dt.date | None = None
    settings: Settings = Settings()
    edit: bool = False
    env: object = field(default_factory=environment)
    csrf: Csrf = field(default_factory=Csrf)

    def __post_init__(self) -> None:
        self.limiter = anyio.CapacityLimiter(max(1, self.settings.web_workers))
        self.limits = QueryLimits.of(self.settings)

    def day(self) -> dt.date:
        return self.today or dt.date.today()

    async def read(self, fn, *args, **kwargs):
        """fn(connection, *args, **kwargs) in a worker thread, on a read-only connection within the query limits.

        At most `web_workers` requests read at once; the event loop stays free for the others
        (static files, cheap pages), and a query past its time limit is interrupted.
        """
        def work():
            con = read_only(self.db, self.settings)
            try:
                with limited(con, self.limits), time_limit(con, self.limits.seconds):
                    return fn(con, *args, **kwargs)
            finally:
                con.close()
        return await anyio.to_thread.run_sync(work, limiter=self.limiter)

    async def write_with(self, fn):
        """fn() in a worker thread: a correction, which opens the warehouse for writing itself."""
        return await anyio.to_thread.run_sync(fn, limiter=self.limiter)

    def page(self, template: str, request: Request, status_code: int = 200, **context) -> HTMLResponse:
        html = self.env.get_template(template).render(request=request, menu=MENU, current=_section(request.url.path),
                                                  edit=self.edit, **context)
        return HTMLResponse(html, status_code=status_code)


def _section(path: str) -> str:
    """The menu entry a path belongs to: /dokument/… and /organ/… pages mark none but their own."""
    for href, _ in MENU[1:]:
        if path == href or path.startswith(href + "/"):
            return href
    return "/" if path == "/" else ""


# Parameters ------------------------------------------------------------------------------

def bad(message: str) -> HTTPException:
    return HTTPException(400, detail=message)


def text(request: Request, name: str, longest: int = 200) -> str:
    """A free-text parameter, trimmed, without control characters; longer than `longest` is a 400."""
    value = _CONTROL.sub(" ", request.query_params.get(name, "")).strip()
    if len(value) > longest:
        raise bad(f"Texten i fältet {name} är för lång (högst {longest} tecken).")
    return value


def year(request: Request) -> int | None:
    value = request.query_params.get("year", "").strip()
    if not value:
        return None
    if not re.fullmatch(r"[0-9]{4}", value, flags=re.ASCII) or not 1900 <= int(value) <= 2200:
        raise bad("Året ska skrivas med fyra siffror, till exempel 2025.")
    return int(value)


def page_number(request: Request) -> int:
    value = request.query_params.get("sida", "").strip() or "1"
    if not re.fullmatch(r"[0-9]{1,5}", value, flags=re.ASCII) or int(value) < 1:
        raise bad("Sidnumret ska vara ett heltal från 1 och uppåt.")
    return int(value)


def choice(request: Request, name: str, options, default: str | None = None) -> str | None:
    value = request.query_params.get(name, "").strip()
    if not value:
        return default
    if value not in options:
        raise bad(f"Okänt värde i fältet {name}; välj ett av alternativen i listan.")
    return value


@dataclass
class Paging:
    """Where a long list is: page `number` of `total` rows, `size` rows a page."""

    number: int
    total: int
    size: int = 50

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        return min(self.total, self.offset + 1)

    @property
    def last(self) -> int:
        return min(self.total, self.offset + self.size)
