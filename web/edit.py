"""/ratta/<row id>: correct a row from its document's page, when the site runs with editing on.

`minutes serve --edit` turns it on, for this computer only (the server listens on loopback
and answers a correction only from there). The form carries a CSRF token that must match
its SameSite=Strict cookie, and the POST must come from this site (Origin or Referer), so
another site open in the same browser cannot post a correction. Without --edit the site stays
read-only: these pages are 404.
"""
from __future__ import annotations

import getpass
import ipaddress
import urllib.parse

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from minutes.core import ids
from minutes.warehouse import Warehouse, WarehouseError
from minutes.warehouse.corrections import CORRECTABLE, check, correct, for_document

from .security import Csrf
from .site import Site

#: What to write instead, when a value cannot be used.
HINTS = {"deadline": "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2025-05-30.",
         "kind": "Välj ett av alternativen.", "status": "Välj ett av alternativen."}
LABELS = {"owner": "Ansvarig", "task": "Uppdrag", "deadline": "Senast (ÅÅÅÅ-MM-DD)", "text": "Beslutstext",
          "kind": "Slag", "status": "Status", "role": "Roll", "name": "Namn"}


def _row(con, row_id: str) -> dict | None:
    parsed = ids.parse(row_id)
    cur = con.execute(f"SELECT * FROM {parsed.table.view} WHERE {parsed.table.id_column} = ?", [row_id])
    found = cur.fetchone()
    if found is None:
        return None
    return {"row": dict(zip([d[0] for d in cur.description], found)),
            "corrections": for_document(con, parsed.document_id).get(row_id, [])}


def _target(site: Site, request: Request) -> str:
    if not site.edit:
        raise HTTPException(404, "Sidan finns inte. Rättelser görs när webbplatsen startas med "
                                 "minutes serve --edit.")
    row_id = request.path_params["row_id"]
    parsed = ids.parse(row_id)
    if parsed is None or parsed.table.name not in CORRECTABLE:
        raise HTTPException(404, "Det finns ingen sådan rad att rätta.")
    client = request.client.host if request.client else ""
    try:
        local = ipaddress.ip_address(client).is_loopback
    except ValueError:
        local = False
    if not local:
        raise HTTPException(403, "Rättelser kan bara göras från datorn där webbplatsen körs.")
    return row_id


async def form(site: Site, request: Request, errors: str | None = None, values: dict | None = None,
               status_code: int = 200) -> Response:
    row_id = _target(site, request)
    found = await site.read(_row, row_id)
    if found is None:
        raise HTTPException(404, "Det finns ingen sådan rad att rätta (den kan ha markerats som fel).")
    table = ids.parse(row_id).table.name
    token = site.csrf.token()
    response = site.page("ratta.html", request, status_code=status_code, row_id=row_id, table=table,
                         fields=[(f, LABELS[f]) for f in CORRECTABLE[table]], token=token, error=errors,
                         values=values or {}, author=(values or {}).get("author") or getpass.getuser(), **found)
    response.set_cookie(Csrf.COOKIE, token, httponly=True, samesite="strict", path="/ratta")
    return response


def _same_site(request: Request) -> bool:
    source = request.headers.get("origin") or request.headers.get("referer") or ""
    return bool(source) and urllib.parse.urlsplit(source).netloc == request.headers.get("host", "")


async def save(site: Site, request: Request) -> Response:
    row_id = _target(site, request)
    raw = await request.body()
    if len(raw) > 65_536:
        raise HTTPException(413, "Formuläret är för stort.")
    data = {k: v[-1] for k, v in urllib.parse.parse_qs(raw.decode("utf-8", "replace")).items()}
    if not _same_site(request) or not site.csrf.valid(data.get("token", ""), request.cookies.get(Csrf.COOKIE, "")):
        raise HTTPException(403, "Formuläret kom inte från den här webbplatsen eller är för gammalt; ladda om sidan "
                                 "och försök igen.")
    table = ids.parse(row_id).table.name
    changes = {f: data[f] for f in CORRECTABLE[table] if data.get(f, "").strip()}
    wrong = data.get("wrong") == "1"
    author = " ".join(data.get("author", "").split()) or getpass.getuser()

    for field, value in changes.items():
        try:
            check(table, {field: value})
        except WarehouseError:
            hint = HINTS.get(field, "Skriv mellan 1 och 2 000 tecken.")
            return await form(site, request, errors=f"{LABELS[field]}: {hint}", values=data, status_code=400)

    def write() -> None:
        with Warehouse(site.db, lock_wait=site.settings.lock_wait) as wh:
            correct(wh, row_id, {} if wrong else changes, wrong=wrong, note=data.get("note"), author=author)
    try:
        await site.write_with(write)
    except WarehouseError as e:  # nothing changed, or the row is gone
        message = "Inget att ändra: värdena är desamma som förut." if "Nothing" in str(e) else str(e)
        return await form(site, request, errors=message, values=data, status_code=400)
    return RedirectResponse(f"/dokument/{row_id[:12]}#{row_id}", status_code=303)
