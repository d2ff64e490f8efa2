"""The web site: server-rendered pages (Starlette + Jinja2), Swedish for the user, read-only.

Every page opens the warehouse read-only for the length of one request, so an import that
runs at the same time keeps working (the importer releases the file between batches), and
reads it only through minutes.warehouse's query functions. Files are served only by
document id, from the path the warehouse recorded when it imported them.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import mimetypes
import os
import re
from pathlib import Path
from typing import Iterator

import duckdb
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from minutes.core.enums import DeadlineStatus, DecisionKind, SearchKind, values
from minutes.core.ids import is_document_id
from minutes.core.settings import Settings
from minutes.warehouse import WarehouseError, connect
from minutes.warehouse.export import write_csv
from minutes.warehouse.queries import (
    Due,
    assigned,
    decisions,
    decisions_per_year,
    document,
    facets,
    person_names,
    source_path,
)
from minutes.warehouse.search import search

#: Deadline statuses as the pages say them; "due" is said with its days ("om 3 dagar").
DUE_SV = {DeadlineStatus.OVERDUE: "försenad", DeadlineStatus.DUE_TODAY: "i dag", DeadlineStatus.NO_DEADLINE: "ingen tidsgräns"}


def due_sv(due: Due) -> str:
    """A deadline's status in Swedish: 'försenad', 'i dag', 'om 3 dagar', 'ingen tidsgräns'."""
    if due.status is DeadlineStatus.DUE:
        return f"om {due.days} dag{'ar' if due.days != 1 else ''}"
    return DUE_SV[due.status]


def create_app(db: str, today: dt.date | None = None, settings: Settings = Settings()) -> Starlette:
    """The site over the warehouse at `db`; `today` fixes the date deadlines are counted from (tests)."""
    env = Environment(loader=PackageLoader("minutes.web", "templates"), autoescape=select_autoescape(["html"]))
    env.filters["sv_due"] = due_sv

    @contextlib.contextmanager
    def reading() -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection for one request."""
        con = connect(db, read_only=True, wait=settings.lock_wait)
        try:
            yield con
        finally:
            con.close()

    def attempt(fn, *args, **kwargs) -> tuple[list, str | None]:
        """(result, None), or ([], the message) when the user's input could not be used."""
        try:
            with reading() as con:
                return fn(con, *args, **kwargs), None
        except WarehouseError as e:
            return [], str(e)

    def read(fn, *args, **kwargs):
        with reading() as con:
            return fn(con, *args, **kwargs)

    def page(name: str, request: Request, status_code: int = 200, **context) -> HTMLResponse:
        html = env.get_template(name).render(request=request, db=db, **context)
        return HTMLResponse(html, status_code=status_code)

    async def failed(request: Request, e: Exception) -> HTMLResponse:
        """The warehouse could not be read (missing, or held too long by another process)."""
        return page("error.html", request, status_code=503, message=str(e))

    def day() -> dt.date:
        return today or dt.date.today()

    async def home(request: Request) -> Response:
        q = request.query_params
        text, body, region, kind = (q.get(k, "").strip() for k in ("q", "body", "region", "kind"))
        year = q.get("year", "").strip()
        hits, error = [], None
        if text:
            y = int(year) if year.isdigit() else None
            hits, error = attempt(search, text, body=body or None, region=region or None, kind=kind or None,
                                   date_from=dt.date(y, 1, 1) if y else None,
                                   date_to=dt.date(y, 12, 31) if y else None, limit=50)
        return page("search.html", request, q=text, body=body, region=region, year=year, kind=kind, hits=hits,
                    error=error, facets=read(facets), kinds=values(SearchKind) + values(DecisionKind))

    async def tasks(request: Request) -> Response:
        who = request.query_params.get("vem", "").strip()
        rows, error = attempt(assigned, who, day()) if who else ([], None)
        names = read(person_names)
        open_rows = [r for r in rows if r["due"].status is not DeadlineStatus.OVERDUE]
        late_rows = [r for r in rows if r["due"].status is DeadlineStatus.OVERDUE]
        return page("uppdrag.html", request, who=who, open_rows=open_rows, late_rows=late_rows, error=error,
                    names=names, today=day())

    async def tasks_csv(request: Request) -> Response:
        who = request.query_params.get("vem", "").strip()
        rows, error = attempt(assigned, who, day())
        if error:
            return PlainTextResponse(error, status_code=400)
        buf = io.StringIO()
        write_csv(buf, ["ansvarig", "uppdrag", "senast", "status", "organ", "mötesdatum", "fil", "sida"],
                  [[(r["owner"], r["task"], r["deadline"], due_sv(r["due"]), r["body"], r["meeting_date"],
                     r["file_name"], r["page"]) for r in rows]], excel=True)
        name = re.sub(r"[^\w-]+", "_", who, flags=re.UNICODE).strip("_") or "uppdrag"
        return Response(buf.getvalue().encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="uppdrag_{name}.csv"'})

    async def decisions_page(request: Request) -> Response:
        q = request.query_params
        region, body, year = (q.get(k, "").strip() for k in ("region", "body", "year"))
        cols, rows = read(decisions, region=region or None, body=body or None,
                          year=int(year) if year.isdigit() else None, limit=500)
        return page("beslut.html", request, rows=[dict(zip(cols, r)) for r in rows],
                    chart=_chart(read(decisions_per_year, region or None, body or None)), region=region, body=body,
                    year=year, facets=read(facets))

    async def document_page(request: Request) -> Response:
        doc_id = request.path_params["doc_id"]
        if not is_document_id(doc_id):
            return page("error.html", request, status_code=404, message="Det finns inget sådant dokument.")
        doc = read(document, doc_id)
        if doc is None:
            return page("error.html", request, status_code=404, message="Det finns inget sådant dokument.")
        return page("dokument.html", request, **doc)

    async def original(request: Request) -> Response:
        """The imported file itself, looked up by id: a path from the request never reaches the disk."""
        doc_id = request.path_params["doc_id"]
        path = None
        if is_document_id(doc_id):
            path = read(source_path, doc_id)
        if not path or not os.path.isfile(path):
            return PlainTextResponse("Filen finns inte (längre) där den importerades från.", status_code=404)
        media = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return FileResponse(path, media_type=media, content_disposition_type="inline",
                            filename=Path(path).name)

    routes = [
        Route("/", home),
        Route("/uppdrag", tasks),
        Route("/uppdrag.csv", tasks_csv),
        Route("/beslut", decisions_page),
        Route("/dokument/{doc_id}", document_page),
        Route("/fil/{doc_id}", original),
        Mount("/static", StaticFiles(packages=[("minutes.web", "static")]), name="static"),
    ]
    return Starlette(routes=routes, exception_handlers={WarehouseError: failed})


def _chart(rows: list[dict]) -> dict:
    """Decisions per year and region (or body), laid out for a small server-drawn SVG bar chart."""
    peak = max((r["n"] for r in rows), default=0)
    bars = []
    for i, r in enumerate(rows):
        height = 0 if not peak else round(150 * r["n"] / peak)
        bars.append({**r, "x": 40 + i * 70, "height": height, "y": 170 - height})
    return {"bars": bars, "width": 60 + 70 * len(bars)}
