"""A generator of synthetic Swedish minutes for benchmarks: realistic shape, random content.

Each document has an attendee table on page 1 and numbered agenda items with decisions,
assignments and deadlines; `pages` sets how long it runs. Output as Markdown, rendered by
devtools/docgen.py into PDF, .docx or scans.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST = ["Anna", "Björn", "Cecilia", "David", "Eva", "Fredrik", "Greta", "Håkan", "Ingrid", "Johan", "Karin", "Lars",
         "Maria", "Nils", "Olof", "Petra", "Rikard", "Sofia", "Tomas", "Ulla", "Viktor", "Åsa", "Örjan", "Märta"]
LAST = ["Andersson", "Berg", "Carlsson", "Dahl", "Ek", "Forsberg", "Gustafsson", "Holm", "Isaksson", "Johansson",
        "Karlsson", "Lind", "Magnusson", "Nyström", "Öberg", "Persson", "Sandberg", "Törnqvist", "Wikström", "Åkesson"]
REGIONS = ["Region Östergötland", "Region Jönköpings län", "Region Kalmar län", "Region Skåne", "Region Halland",
           "Västra Götalandsregionen", "Region Uppsala", "Region Västerbotten"]
BODIES = ["Styrgruppen för digitalisering", "RPO Medicinsk diagnostik", "RAG Klinisk kemi", "Socialnämnden",
          "Kommunstyrelsens arbetsutskott", "Regionsjukvårdsledningen", "Samverkansrådet för e-hälsa"]
TOPICS = ["budgetuppföljning", "kompetensförsörjning", "lokalförsörjning", "digital vårdplanering",
          "upphandling av analysinstrument", "väntetider inom specialistvården", "läkemedelsförsörjning",
          "remisshantering", "patientsäkerhet", "samverkan med kommunerna"]
FILLER = ("Ärendet har beretts av förvaltningen och diskuterades utförligt. Flera ledamöter lyfte behovet av "
          "en gemensam bild av läget i regionerna och vikten av att arbetet följs upp under året. ")
DEADLINES = ["senast den 15 april 2025", "innan midsommar", "senast v. 47", "till nästa möte", "under hösten 2025",
             "senast 30/9", "under Q3 2025", "vid årsskiftet"]


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def minutes(seed: int, pages: int = 6) -> str:
    """One synthetic meeting as Markdown; about `pages` pages when rendered."""
    rng = random.Random(seed)
    body = rng.choice(BODIES)
    date = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    people = list({person(rng) for _ in range(14)})[:10]
    orgs = [rng.choice(REGIONS) for _ in people]
    lines = [f"# Minnesanteckningar {body}", "",
             f"| Datum | {date} |", "| Tid | kl. 09.30–12.00 |", "| Plats | Regionhuset, sal Ärlan |",
             f"| Närvarande | {people[0]}, ordförande<br>" + "<br>".join(people[1:7]) + " | "
             + "<br>".join(orgs[:7]) + " |",
             f"| Frånvarande | " + "<br>".join(people[7:]) + " | " + "<br>".join(orgs[7:]) + " |", ""]
    for item in range(1, pages * 3):  # about three agenda items a page, the first page holding the table
        topic = rng.choice(TOPICS)
        owner = rng.choice(people)
        lines += [f"## {item}. {topic[:1].upper() + topic[1:]}", "", f"{owner} redogör för {topic}. " + FILLER * 3,
                  "", "**Beslut:**", "",
                  f"- Mötet ställer sig bakom förslaget om {topic}.",
                  f"- {rng.choice(people)} får i uppdrag att ta fram ett underlag om {topic} {rng.choice(DEADLINES)}.",
                  ""]
    return "\n".join(lines)


def write_corpus(folder: Path, n: int, fmt: str, pages: int = 6, seed: int = 0) -> list[Path]:
    """Render `n` synthetic documents as `fmt` ('pdf', 'docx', 'scan.pdf') into `folder`."""
    from devtools.docgen import render

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        path = folder / f"minnes_{seed + i:05d}.{fmt}"
        if not path.exists():
            render(minutes(seed + i, pages), path)
        out.append(path)
    return out
