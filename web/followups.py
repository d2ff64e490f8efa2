"""The follow-up pages: a matter's path across bodies and meetings (/arende), and the report of what
became of a body's assignments (/uppfoljning, and as an Excel workbook for the auditors).

Like pages.py: parameters read strictly (a malformed date is a 400), the warehouse read through
minutes.warehouse.reports in a worker thread, a person's wrong input said in Swedish on the page.
"""
from __future__ import annotations

import datetime as dt
import re

from starlette.requests import Request
from starlette.responses import Response

from minutes.warehouse import WarehouseError
from minutes.warehouse.reports import body_names, case_numbers, followup_report, matter, report_workbook

from .site import Site, bad, text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def matter_page(site: Site, request: Request) -> Response:
    """/arende?dnr=KS 2025/112: every meeting that handled the diarienummer, and the reports back."""
    case = text(request, "dnr", 60)
    context = dict(case=case, number=None, rows=[], error=None)
    if not case:
        return site.page("arende.html", request, **context)

    def read(con) -> tuple[list[str], list[dict]]:
        found = case_numbers(con, case)
        return found, (matter(con, found[0])[1] if len(found) == 1 else [])
    try:
        found, rows = await site.read(read)
    except WarehouseError as e:
        if type(e) is not WarehouseError:
            raise
        found, rows = None, []
    if found is None:
        context["error"] = "Skriv ett diarienummer, till exempel KS 2025/112."
    elif not found:
        context["error"] = f"Inget ärende har diarienumret ”{case}”. Kontrollera numret eller sök i all text."
    elif len(found) > 1:
        context["error"] = f"”{case}” passar flera diarienummer: {', '.join(found[:6])}. Skriv hela numret."
    else:
        context.update(number=found[0], rows=rows, meetings=len({r["document_id"] for r in rows}))
    return site.page("arende.html", request, status_code=404 if found == [] else 200, **context)


async def report_page(site: Site, request: Request) -> Response:
    """/uppfoljning?organ=&fran=&till=: per body, the assignments given in the period and what became of them."""
    body, start, end = _report_args(request)
    context = dict(body=body, start=start or "", end=end or "", today=site.day(), reports=[], error=None,
                   bodies=await site.read(body_names), params={"organ": body, "fran": start, "till": end})
    try:
        context["reports"] = await site.read(followup_report, body or None, start, end, site.day())
    except WarehouseError as e:
        if type(e) is not WarehouseError:
            raise
        context["error"] = f"Det finns inga möten i ett organ som heter ”{body}”; välj ett organ i listan."
    return site.page("uppfoljning.html", request, **context)


async def report_xlsx(site: Site, request: Request) -> Response:
    body, start, end = _report_args(request)
    try:
        reports = await site.read(followup_report, body or None, start, end, site.day())
    except WarehouseError as e:
        if type(e) is not WarehouseError:
            raise
        raise bad(f"Det finns inga möten i ett organ som heter ”{body}”.") from None
    data = report_workbook(reports, f"{start or 'början'} – {end or site.day()}")
    name = re.sub(r"[^\w-]+", "_", body or "alla", flags=re.UNICODE).strip("_") or "alla"
    return Response(data, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="uppfoljning_{name}.xlsx"'})


def _report_args(request: Request) -> tuple[str, dt.date | None, dt.date | None]:
    return text(request, "organ"), _date(request, "fran"), _date(request, "till")


def _date(request: Request, name: str) -> dt.date | None:
    """A date field (ÅÅÅÅ-MM-DD, as a date input sends it); empty is None, anything else a 400."""
    value = text(request, name, 10)
    if not value:
        return None
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise bad("Datumet ska skrivas ÅÅÅÅ-MM-DD, till exempel 2025-01-01.")
