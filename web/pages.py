"""The pages: start and search, Uppdrag, Beslut, Organ and one document.

Each handler reads its parameters strictly (site.py), reads the warehouse through the query
functions in a worker thread, and renders a template. A person's wrong input is said in
Swedish on the page; a malformed parameter is a 400.
"""
from __future__ import annotations

import datetime as dt
import io
import re

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from minutes.core.enums import DecisionKind, SearchKind, values
from minutes.core.ids import is_document_id
from minutes.text import key
from minutes.text.terms import query_terms
from minutes.warehouse import WarehouseError, overview
from minutes.warehouse.corrections import for_document
from minutes.warehouse.export import write_csv
from minutes.warehouse.queries import assigned, decisions_per_year, document, facets, person_names
from minutes.warehouse.search import search

from .charts import chart
from .render import PROGRESS_SV, due_sv
from .site import Paging, Site, choice, page_number, text, year

KINDS = values(SearchKind) + values(DecisionKind)


async def home(site: Site, request: Request) -> Response:
    """Without a search word: what needs doing across all bodies, the latest meetings, every body."""
    q = request.query_params
    word, body, region = text(request, "q"), text(request, "body"), text(request, "region")
    kind, y = choice(request, "kind", KINDS, ""), year(request)
    hits, error = [], None
    if word and not query_terms(word):
        error = "Skriv minst ett ord med två bokstäver eller fler."
    elif word:
        try:
            hits = await site.read(search, word, body=body or None, region=region or None, kind=kind or None,
                                   date_from=y and dt.date(y, 1, 1), date_to=y and dt.date(y, 12, 31), limit=50)
        except WarehouseError as e:
            if type(e) is not WarehouseError:
                raise
            error = f"Sökningen kunde inte göras: {e}"
    context = dict(q=word, body=body, region=region, year=q.get("year", ""), kind=kind, hits=hits, error=error,
                   facets=await site.read(facets), kinds=KINDS)
    if not word:
        context.update(due=await site.read(overview.due_tasks, site.day()),
                       meetings=await site.read(overview.latest_meetings),
                       bodies=await site.read(overview.bodies, site.day()), today=site.day())
    return site.page("search.html", request, **context)


async def tasks(site: Site, request: Request) -> Response:
    """One person's tasks; without a name, every task page by page (overdue first to act on)."""
    who, body = text(request, "vem"), text(request, "organ")
    late = choice(request, "status", ("forsenade", "pagaende"))
    order = choice(request, "ordning", overview.TASK_ORDERS, "senast")
    number = page_number(request)
    names = await site.read(person_names)
    context = dict(who=who, body=body, status=late or "", order=order, names=names, today=site.day(),
                   params={"vem": who, "organ": body, "status": late, "ordning": order}, error=None)
    if who:
        if len(key(who) or "") < 2:
            context["error"] = "Skriv minst två bokstäver av ett namn, initialer eller en roll."
            rows = []
        else:
            rows = await site.read(assigned, who, site.day(), limit=1000)
        rest = [r for r in rows if r["status"] != "done"]  # a task a later meeting reported done is done
        context.update(open_rows=[r for r in rest if r["due"].status != "overdue"],
                       late_rows=[r for r in rest if r["due"].status == "overdue"],
                       done_rows=[r for r in rows if r["status"] == "done"])
        return site.page("uppdrag.html", request, **context)
    rows, total = await site.read(overview.tasks, site.day(), body=body or None,
                                  late=None if late is None else late == "forsenade", order=order,
                                  offset=(number - 1) * 50, limit=50)
    return site.page("uppdrag.html", request, rows=rows, paging=Paging(number, total), **context)


async def tasks_csv(site: Site, request: Request) -> Response:
    who = text(request, "vem")
    if len(key(who) or "") < 2:
        raise HTTPException(400, "Skriv minst två bokstäver av ett namn, initialer eller en roll.")
    rows = await site.read(assigned, who, site.day(), limit=10_000)
    buf = io.StringIO()
    write_csv(buf, ["ansvarig", "uppdrag", "senast", "status", "organ", "mötesdatum", "fil", "sida", "återrapport",
                    "återrapporterad"],
              [[(r["owner"], r["task"], r["deadline"], due_sv(r["due"]), r["body"], r["meeting_date"],
                 r["file_name"], r["page"], PROGRESS_SV[r["status"]], r["status_date"]) for r in rows]], excel=True)
    name = re.sub(r"[^\w-]+", "_", who, flags=re.UNICODE).strip("_") or "uppdrag"
    return Response(buf.getvalue().encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="uppdrag_{name}.csv"'})


async def decisions_page(site: Site, request: Request) -> Response:
    region, body, y, case = text(request, "region"), text(request, "body"), year(request), text(request, "arende")
    kind = choice(request, "kind", values(DecisionKind), "")
    order = choice(request, "ordning", overview.DECISION_ORDERS, "nyast")
    number = page_number(request)
    rows, total = await site.read(overview.decision_page, region=region or None, body=body or None, year=y,
                                  kind=kind or None, case_number=case or None, order=order,
                                  offset=(number - 1) * 50, limit=50)
    per_year = await site.read(decisions_per_year, region or None, body or None)
    params = {"region": region, "body": body, "year": y, "kind": kind, "arende": case, "ordning": order}
    return site.page("beslut.html", request, rows=rows, paging=Paging(number, total), chart=chart(per_year),
                     region=region, body=body, year=y or "", kind=kind, case=case, order=order, params=params,
                     facets=await site.read(facets), kinds=values(DecisionKind))


async def bodies_page(site: Site, request: Request) -> Response:
    """Every body; with ?namn=, one body's latest meetings and what it has given to do."""
    name = text(request, "namn")
    if not name:
        return site.page("organ.html", request, bodies=await site.read(overview.bodies, site.day()), name="")
    meetings = await site.read(overview.latest_meetings, 200, name)
    if not meetings:
        raise HTTPException(404, "Det finns inget organ med det namnet; välj ett i listan över organ.")
    rows, total = await site.read(overview.tasks, site.day(), body=name, late=False, limit=100)
    return site.page("organ.html", request, name=meetings[0]["body"], meetings=meetings, rows=rows, total=total,
                     today=site.day())


async def document_page(site: Site, request: Request) -> Response:
    doc_id = request.path_params["doc_id"]
    if not is_document_id(doc_id):
        raise HTTPException(404, "Det finns inget sådant dokument.")

    def read_all(con):
        found = document(con, doc_id)
        if found is None:
            return None
        return {**found, **overview.paragraphs(con, doc_id), "corrections": for_document(con, doc_id)}
    doc = await site.read(read_all)
    if doc is None:
        raise HTTPException(404, "Det finns inget sådant dokument.")
    return site.page("dokument.html", request, **doc)
