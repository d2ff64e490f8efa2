"""The web site: server-rendered pages (Starlette + Jinja2), Swedish for the user, read-only.

Every page opens the warehouse read-only for the length of one request, so an import that
runs at the same time keeps working (the importer releases the file between batches). Files
are served only by document id, from the path the warehouse recorded when it imported them.
"""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import mimetypes
import os
import re
from pathlib import Path
from typing import Callable, Iterator

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from minutes.warehouse import WarehouseError, connect
from minutes.warehouse.queries import assigned, contains_folded, decisions
from minutes.warehouse.search import DECISION_KINDS, search

_DOC_ID = re.compile(r"^[0-9a-f]{12}$")
STATUS_SV = {"overdue": "försenad", "due today": "i dag", "no deadline": "ingen tidsgräns"}


def status_sv(status: str) -> str:
    """'due in 3 days' -> 'om 3 dagar'; the other statuses from STATUS_SV."""
    m = re.fullmatch(r"due in (\d+) days?", status)
    if m:
        n = int(m.group(1))
        return f"om {n} dag{'ar' if n != 1 else ''}"
    return STATUS_SV.get(status, status)


def create_app(db: str, today: dt.date | None = None) -> Starlette:
    """The site over the warehouse at `db`; `today` fixes the date deadlines are counted from (tests)."""
    env = Environment(loader=PackageLoader("minutes.web", "templates"), autoescape=select_autoescape(["html"]))
    env.filters["sv_status"] = status_sv

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
            hits, error = _attempt(search, db, text, body=body or None, region=region or None, kind=kind or None,
                                   date_from=dt.date(y, 1, 1) if y else None,
                                   date_to=dt.date(y, 12, 31) if y else None, limit=50)
        return page("search.html", request, q=text, body=body, region=region, year=year, kind=kind, hits=hits,
                    error=error, facets=_facets(db), kinds=("decision", "assignment", "text") + DECISION_KINDS)

    async def tasks(request: Request) -> Response:
        who = request.query_params.get("vem", "").strip()
        rows, error = _attempt(assigned, db, who, day()) if who else ([], None)
        names = _names(db)
        open_rows = [r for r in rows if r["status"] != "overdue"]
        late_rows = [r for r in rows if r["status"] == "overdue"]
        return page("uppdrag.html", request, who=who, open_rows=open_rows, late_rows=late_rows, error=error,
                    names=names, today=day())

    async def tasks_csv(request: Request) -> Response:
        who = request.query_params.get("vem", "").strip()
        try:
            rows = assigned(db, who, day())
        except WarehouseError as e:
            return PlainTextResponse(str(e), status_code=400)
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["ansvarig", "uppdrag", "senast", "status", "organ", "mötesdatum", "fil", "sida"])
        for r in rows:
            w.writerow([r["owner"], r["task"], r["deadline"] or "", status_sv(r["status"]), r["body"] or "",
                        r["meeting_date"] or "", r["file_name"], r["page"] or ""])
        name = re.sub(r"[^\w-]+", "_", who, flags=re.UNICODE).strip("_") or "uppdrag"
        return Response(buf.getvalue().encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="uppdrag_{name}.csv"'})

    async def decisions_page(request: Request) -> Response:
        q = request.query_params
        region, body, year = (q.get(k, "").strip() for k in ("region", "body", "year"))
        cols, rows = decisions(db, region=region or None, body=body or None,
                               year=int(year) if year.isdigit() else None, limit=500)
        return page("beslut.html", request, rows=[dict(zip(cols, r)) for r in rows],
                    chart=_chart(db, region or None, body or None), region=region, body=body, year=year,
                    facets=_facets(db))

    async def document(request: Request) -> Response:
        doc_id = request.path_params["doc_id"]
        if not _DOC_ID.match(doc_id):
            return page("error.html", request, status_code=404, message="Det finns inget sådant dokument.")
        doc = _document(db, doc_id)
        if doc is None:
            return page("error.html", request, status_code=404, message="Det finns inget sådant dokument.")
        return page("dokument.html", request, **doc)

    async def original(request: Request) -> Response:
        """The imported file itself, looked up by id: a path from the request never reaches the disk."""
        doc_id = request.path_params["doc_id"]
        path = None
        if _DOC_ID.match(doc_id):
            path = _source_path(db, doc_id)
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
        Route("/dokument/{doc_id}", document),
        Route("/fil/{doc_id}", original),
        Mount("/static", StaticFiles(packages=[("minutes.web", "static")]), name="static"),
    ]
    return Starlette(routes=routes, exception_handlers={WarehouseError: failed})


def _attempt(fn, *args, **kwargs) -> tuple[list, str | None]:
    """(result, None), or ([], the message) when the user's input could not be used."""
    try:
        return fn(*args, **kwargs), None
    except WarehouseError as e:
        return [], str(e)


@contextlib.contextmanager
def _reader(db: str) -> Iterator[Callable[..., list[dict]]]:
    """A read-only connection for one request, as a function: rows(sql, params) -> list of dicts."""
    con = connect(db, read_only=True)

    def rows(sql: str, params: list | None = None) -> list[dict]:
        cur = con.execute(sql, params or [])
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]
    try:
        yield rows
    finally:
        con.close()


def _query(db: str, sql: str, params: list | None = None) -> list[dict]:
    with _reader(db) as rows:
        return rows(sql, params)


def _facets(db: str) -> dict[str, list]:
    rows = _query(db, """
        SELECT 'body' AS f, body AS v FROM core.documents WHERE body IS NOT NULL
        UNION SELECT 'region', region FROM core.documents WHERE region IS NOT NULL
        UNION SELECT 'year', CAST(year(meeting_date) AS VARCHAR) FROM core.documents WHERE meeting_date IS NOT NULL""")
    out: dict[str, list] = {"body": [], "region": [], "year": []}
    for r in rows:
        out[r["f"]].append(r["v"])
    for k in out:
        out[k].sort(reverse=(k == "year"))
    return out


def _names(db: str) -> list[str]:
    return [r["name"] for r in _query(db, "SELECT DISTINCT name FROM core.persons ORDER BY name COLLATE sv")]


def _chart(db: str, region: str | None, body: str | None) -> dict:
    """Decisions per year and region (or body), laid out for a small server-drawn SVG bar chart."""
    rows = _query(db, f"""
        SELECT year(d.meeting_date) AS year, coalesce(d.region, d.body, '(okänd)') AS series, count(*) AS n
        FROM core.decisions c JOIN core.documents d USING (document_id)
        WHERE d.meeting_date IS NOT NULL
          AND ($1 IS NULL OR {contains_folded("d.region", "$1")})
          AND ($2 IS NULL OR {contains_folded("d.body", "$2")})
        GROUP BY ALL ORDER BY year, series""", [region, body])
    peak = max((r["n"] for r in rows), default=0)
    bars = []
    for i, r in enumerate(rows):
        height = 0 if not peak else round(150 * r["n"] / peak)
        bars.append({**r, "x": 40 + i * 70, "height": height, "y": 170 - height})
    return {"bars": bars, "width": 60 + 70 * len(bars)}


def _document(db: str, doc_id: str) -> dict | None:
    """The document's facts and its rows, read over one connection."""
    with _reader(db) as rows:
        docs = rows("SELECT * FROM documents WHERE document_id = ?", [doc_id])
        if not docs:
            return None
        return {
            "doc": docs[0],
            "attendees": rows("SELECT * FROM attendees WHERE document_id = ? ORDER BY attendee_id", [doc_id]),
            "decisions": rows("SELECT * FROM decisions WHERE document_id = ? ORDER BY ordinal", [doc_id]),
            "assignments": rows("SELECT * FROM assignments WHERE document_id = ? ORDER BY assignment_id", [doc_id]),
        }


def _source_path(db: str, doc_id: str) -> str | None:
    rows = _query(db, "SELECT source_path FROM core.documents WHERE document_id = ?", [doc_id])
    return rows[0]["source_path"] if rows else None
