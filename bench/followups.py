"""Follow-up linking on a large archive: the incremental link after importing one new protocol.

    .venv/bin/python bench/followups.py [--documents 10000] [--keep DIR]

Builds an archive of N meeting documents (default 10,000: 20 kinds of body in 5 municipalities,
100 meetings each) from rows made in Python and written by the warehouse's own writer (no files
are imported), each with agenda items under diarienummer, assignments, text, attendees and
statements that report on earlier assignments; links all of it once; then imports one new
protocol (a real file, rendered by devtools/docgen.py) of one of those bodies and prints the
import's own time beside the time of the incremental follow-up link it ran.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.docgen import render  # noqa: E402

BODIES = ("Socialnämnden", "Tekniska nämnden", "Kommunstyrelsen", "Kommunstyrelsens arbetsutskott",
          "Barn- och utbildningsnämnden", "Kultur- och fritidsnämnden", "Miljö- och byggnämnden",
          "Vård- och omsorgsnämnden", "Kommunfullmäktige", "Valnämnden", "Överförmyndarnämnden",
          "Krisledningsnämnden", "Revisionen", "Styrgruppen för digitalisering", "Nätverket för anhörigstöd",
          "Samverkansrådet", "Arbetsmiljökommittén", "Pensionärsrådet", "Rådet för funktionshinderfrågor",
          "Folkhälsorådet")
PLACES = ("Ale kommun", "Alingsås kommun", "Borås kommun", "Lerums kommun", "Kungälvs kommun")
FIRST = ("Anna", "Per", "Karin", "Lars", "Eva", "Johan", "Maria", "Erik", "Sara", "Olle", "Ida", "Nils")
LAST = ("Berg", "Lind", "Holm", "Ek", "Strand", "Sund", "Nyman", "Ahl", "Dahl", "Wall", "Björk", "Falk")
TOPICS = ("gatubelysning", "vinterväghållning", "parkeringstaxa", "skolskjuts", "bredband", "bostadsanpassning",
          "hemtjänst", "fritidsgård", "simhall", "avfallsplan", "dagvatten", "cykelplan", "lekplatser",
          "kompetensförsörjning", "krisberedskap", "upphandling", "ekonomiskt bistånd", "föreningsbidrag")
START = dt.date(2016, 1, 12)


def _people(body: int, place: int) -> list[str]:
    rnd = random.Random(body * 10 + place)
    return sorted({f"{rnd.choice(FIRST)} {rnd.choice(LAST)}" for _ in range(9)})[:7]


def _record(doc_no: int, body: int, place: int, meeting: int):
    """One generated document: what pipeline/normalise.py would make of a protocol, as rows."""
    from minutes.core.ids import row_id
    from minutes.warehouse import DocumentRecord
    from minutes.warehouse.search import postings

    did = f"{doc_no:012x}"
    date = START + dt.timedelta(days=30 * meeting)
    people = _people(body, place)
    rnd = random.Random(doc_no)
    prefix = "".join(w[0] for w in BODIES[body].split()).upper()
    document = {"document_id": did, "source_path": f"/bench/{did}.pdf", "file_name": f"{did}.pdf", "sha256": did,
                "format": "pdf", "doc_type": "protokoll", "title": BODIES[body], "body": BODIES[body],
                "region": PLACES[place], "meeting_date": date, "rules_version": "bench",
                "imported_at": dt.datetime.now()}
    rows: dict[str, list] = {k: [] for k in ("blocks", "sections", "attendees", "assignments", "followups")}
    rows["attendees"] = [{"attendee_id": row_id(did, "attendees", n), "document_id": did, "name": name,
                          "initials": None, "role": None, "organisation": PLACES[place],
                          "status": "present", "page": 1, "rule": "bench", "source_text": name}
                         for n, name in enumerate(people, start=1)]
    for n in range(1, 7):
        topic = TOPICS[(meeting * 3 + n) % len(TOPICS)]
        case = f"{prefix} {date.year}/{(meeting * 7 + n) % 90 + 1}"
        sid = row_id(did, "sections", n)
        rows["sections"].append({"document_id": did, "section_id": sid, "number": f"§ {meeting * 6 + n}",
                                 "title": f"Ärende om {topic}", "level": 2, "page": 1, "ordinal": n,
                                 "case_number": case})
        text = f"Förvaltningen redogör för arbetet med {topic} och nämndens ekonomi under perioden."
        rows["blocks"].append({"document_id": did, "ordinal": n, "kind": "paragraph", "level": 0, "page": 1,
                               "section_id": sid, "text": text})
        if n <= 3:
            owner = rnd.choice(people)
            rows["assignments"].append({
                "assignment_id": row_id(did, "assignments", n), "document_id": did, "section_id": sid, "ordinal": n,
                "owner": owner, "owner_kind": "person", "task": f"utreda {topic} och redovisa ett förslag",
                "deadline": date + dt.timedelta(days=90), "page": 1, "rule": "bench", "source_text": text})
        else:
            status = ("done", "in_progress", "not_started")[n % 3]
            words = {"done": "anser uppdraget fullgjort", "in_progress": "arbetet pågår",
                     "not_started": "arbetet har inte påbörjats"}[status]
            rows["followups"].append({
                "followup_id": row_id(did, "followups", n - 3), "document_id": did, "section_id": sid,
                "ordinal": n - 3, "kind": "text", "item": f"§ {meeting * 6 + n}", "stated_status": status,
                "text": f"Återrapport om {topic}: {words}.", "case_number": case, "paragraph_refs": [],
                "owners": [rnd.choice(people)], "page": 1, "rule": f"sv.followup.{status}",
                "source_text": f"{words}."})
    rows["postings"] = postings(rows)
    return DocumentRecord(document, rows)


def build(db: Path, documents: int) -> float:
    """Write the archive; returns the seconds the first, whole link took."""
    from minutes.rules.stop_words import ignored_words
    from minutes.warehouse import Warehouse
    from minutes.warehouse.followups import link
    from minutes.warehouse.persons import rebuild

    meetings = max(1, documents // (len(BODIES) * len(PLACES)))
    ids = []
    with Warehouse(db) as wh:
        batch = []
        for meeting in range(meetings):
            for body in range(len(BODIES)):
                for place in range(len(PLACES)):
                    if len(ids) >= documents:
                        break
                    doc_no = len(ids) + 1
                    batch.append(_record(doc_no, body, place, meeting))
                    ids.append(f"{doc_no:012x}")
                    if len(batch) >= 500:
                        wh.write_batch(batch)
                        batch = []
        wh.write_batch(batch)
        rebuild(wh)
        t0 = time.perf_counter()
        link(wh.con, set(ids), ignored_words())
        return time.perf_counter() - t0


NEW_PROTOCOL = """\
Ale kommun

# Socialnämnden

| Sammanträdesdatum | {date} |
| Beslutande | {people} |

## § 900 Återrapportering av uppdrag om hemtjänst

Dnr S 2024/5

Förvaltningen återrapporterar att arbetet med hemtjänst pågår och redovisas i december.

**Socialnämndens beslut**

Socialnämnden lägger återrapporteringen till handlingarna. Socialnämnden ger förvaltningen i uppdrag att utreda \
nattpatrullens bemanning senast {deadline}.
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--documents", type=int, default=10_000)
    ap.add_argument("--keep", type=Path, help="build the archive in this folder and keep it")
    args = ap.parse_args()
    from minutes.pipeline.importer import import_paths

    folder = args.keep or Path(tempfile.mkdtemp(prefix="minutes-bench-followups-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "archive.duckdb"
    if db.exists():
        db.unlink()
    t0 = time.perf_counter()
    whole = build(db, args.documents)
    built = time.perf_counter() - t0
    last = START + dt.timedelta(days=30 * (args.documents // (len(BODIES) * len(PLACES))))
    md = NEW_PROTOCOL.format(date=last, deadline=last + dt.timedelta(days=60),
                             people="<br>".join(_people(0, 0)))
    new = render(md, folder / f"socialnamnden_{last}.pdf")
    summary = import_paths([new], db)
    print(f"archive: {args.documents:,} documents built in {built:.1f} s, linked whole in {whole:.1f} s")
    print(f"one new protocol: import {summary.seconds:.2f} s, of which linking its body's follow-ups "
          f"{summary.followup_seconds:.3f} s (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    if not args.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
