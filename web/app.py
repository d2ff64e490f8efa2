"""The web site: server-rendered pages (Starlette + Jinja2), Swedish for the user, read-only by default.

Every request reads the warehouse read-only, in a worker thread, within the query limits
(site.py), so an import running at the same time keeps working, a slow query never holds up
another request, and a query past its time limit is stopped. Pages read the warehouse only
through minutes.warehouse's query functions. Files are served only by document id, while
their bytes are those imported (files.py). Every response carries the security headers and
every request must name one of the served hosts (security.py). With `edit` on, a row can be
corrected from its document's page (edit.py).
"""
from __future__ import annotations

import datetime as dt
import logging
from http import HTTPStatus

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from minutes.core.settings import Settings
from minutes.warehouse import WarehouseError
from minutes.warehouse.limits import QueryTimeout

from . import edit, feeds, files, followups, pages
from .security import Guard, served_names
from .site import Site

log = logging.getLogger(__name__)

#: Status -> the page's heading, in Swedish.
HEADINGS = {400: "Felaktig adress", 403: "Inte tillåtet", 404: "Sidan finns inte", 405: "Inte tillåtet",
            413: "För stort", 500: "Något gick fel", 503: "Försök igen om en stund"}


def create_app(db: str, today: dt.date | None = None, settings: Settings = Settings(), *, edit_rows: bool = False,
               host: str = "127.0.0.1") -> Guard:
    """The site over the warehouse at `db`; `today` fixes the date deadlines are counted from (tests).

    `edit_rows` lets this computer correct rows (`minutes serve --edit`); `host` is the address
    served, whose names (with settings.trusted_hosts) are the only Host headers answered.
    """
    site = Site(db, today, settings, edit_rows)

    def route(path: str, handler, methods=("GET",)) -> Route:
        async def endpoint(request: Request) -> Response:
            return await handler(site, request)
        return Route(path, endpoint, methods=list(methods))

    def error_page(request: Request, status: int, message: str) -> Response:
        return site.page("error.html", request, status_code=status, heading=HEADINGS.get(status, "Något gick fel"),
                         message=message)

    async def http_error(request: Request, e: HTTPException) -> Response:
        message = e.detail if e.detail and e.detail != _english(e.status_code) else _swedish(e.status_code)
        return error_page(request, e.status_code, message)

    async def warehouse_error(request: Request, e: WarehouseError) -> Response:
        """The warehouse could not be read (missing, held too long by another process), or a query ran too long."""
        if isinstance(e, QueryTimeout):
            return error_page(request, 503, "Frågan tog för lång tid och avbröts. Begränsa den, till exempel "
                                            "med ett organ eller ett år, och försök igen.")
        return error_page(request, 503, f"Lagret kan inte läsas just nu: {e}")

    async def crash(request: Request, e: Exception) -> Response:
        log.exception("error on %s", request.url.path)
        return error_page(request, 500, "Ett oväntat fel inträffade. Försök igen; händer det igen, berätta för "
                                        "den som sköter webbplatsen vilken sida det gällde.")

    routes = [
        route("/", pages.home),
        route("/uppdrag", pages.tasks),
        route("/uppdrag.csv", pages.tasks_csv),
        route("/beslut", pages.decisions_page),
        route("/organ", pages.bodies_page),
        route("/arende", followups.matter_page),
        route("/uppfoljning", followups.report_page),
        route("/uppfoljning.xlsx", followups.report_xlsx),
        route("/dokument/{doc_id}", pages.document_page),
        route("/fil/{doc_id}", files.original),
        route("/kalender.ics", feeds.ics),
        route("/bevakning.atom", feeds.feed),
        route("/ratta/{row_id}", edit.form),
        route("/ratta/{row_id}", edit.save, methods=("POST",)),
        Mount("/static", StaticFiles(packages=[("minutes.web", "static")]), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error, WarehouseError: warehouse_error,
                                                       Exception: crash})
    return Guard(app, served_names(host, settings.trusted_hosts))


def _english(status: int) -> str:
    return HTTPStatus(status).phrase


def _swedish(status: int) -> str:
    said = {404: "Det finns ingen sida på den adressen. Börja om från startsidan.",
            405: "Sidan kan inte användas så.", 400: "Adressen kunde inte förstås."}
    return said.get(status, HEADINGS.get(status, ""))
