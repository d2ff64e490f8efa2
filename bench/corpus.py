"""A generator of synthetic Swedish minutes for benchmarks: the shape of real ones, random content.

Calibrated to real minutes (the project's shared sample of regional and municipal minutes
averages about 1,800 characters, 1.2 decisions and 0.7 assignments a page): an attendee
table on page 1, numbered agenda items of varied report text, a decision under about half
of them, an assignment with a deadline under some. Output is Markdown, rendered by
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
          "remisshantering", "patientsäkerhet", "samverkan med kommunerna", "nivåstrukturering",
          "ledningssystem för kvalitet", "arbetsmiljö", "informationssäkerhet"]
REPORT = [
    "{who} redogör för läget i arbetet med {topic} och de erfarenheter som gjorts sedan förra mötet.",
    "Arbetet har försenats något på grund av svårigheter att rekrytera, men bedöms kunna slutföras under året.",
    "I dialogen lyfts behovet av en gemensam bild av läget i regionerna och av tydligare uppföljning.",
    "Flera ledamöter betonar vikten av att verksamheterna involveras tidigt i förändringsarbetet.",
    "Kostnaderna följer i stort sett budget, med undantag för de externa konsulttjänsterna.",
    "En enkät har skickats till samtliga enheter och svarsfrekvensen var drygt sjuttio procent.",
    "Resultaten visar stora skillnader mellan enheterna, vilket delvis förklaras av olika arbetssätt.",
    "{who} påminner om att underlaget ska vara förankrat i respektive linjeorganisation innan beslut.",
    "Det konstateras att frågan behöver beredas vidare innan ställning kan tas.",
    "Information ges om det nationella arbetet och hur det påverkar de lokala prioriteringarna.",
    "Diskussionen handlade främst om tidplanen och om resurserna räcker för att genomföra planen.",
    "Ett förslag till reviderad rutin har tagits fram och har skickats ut på remiss till verksamheterna.",
]
DECISIONS = ["Mötet ställer sig bakom förslaget om {topic}.", "Informationen om {topic} läggs till handlingarna.",
             "Styrgruppen godkänner den reviderade planen för {topic}.", "Beslutades att {topic} följs upp vid nästa möte."]
ASSIGNMENTS = ["{who} får i uppdrag att ta fram ett underlag om {topic} {deadline}.",
               "{who} återkommer med en analys av {topic} {deadline}.",
               "Förvaltningen ges i uppdrag att sammanställa erfarenheterna av {topic} {deadline}."]
DEADLINES = ["senast den 15 april 2025", "innan midsommar", "senast v. 47", "till nästa möte", "under hösten 2025",
             "senast 30/9", "under Q3 2025", "vid årsskiftet"]


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def minutes(seed: int, pages: int = 6) -> str:
    """One synthetic meeting as Markdown; about `pages` pages when rendered."""
    rng = random.Random(seed)
    body = rng.choice(BODIES)
    date = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    people = list(dict.fromkeys(person(rng) for _ in range(16)))[:10]
    orgs = [rng.choice(REGIONS) for _ in people]
    lines = [f"# Minnesanteckningar {body}", "",
             f"| Datum | {date} |", "| Tid | kl. 09.30–12.00 |", "| Plats | Regionhuset, sal Ärlan |",
             f"| Närvarande | {people[0]}, ordförande<br>" + "<br>".join(people[1:7]) + " | "
             + "<br>".join(orgs[:7]) + " |",
             "| Frånvarande | " + "<br>".join(people[7:]) + " | " + "<br>".join(orgs[7:]) + " |", ""]
    for item in range(1, round(pages * 2.6)):
        topic = rng.choice(TOPICS)
        lines += [f"## {item}. {topic[:1].upper() + topic[1:]}", ""]
        for _ in range(rng.randint(2, 3)):
            lines += [" ".join(rng.choice(REPORT) for _ in range(rng.randint(2, 4))).format(
                who=rng.choice(people), topic=topic), ""]
        if rng.random() < 0.45:
            lines += ["**Beslut:**", "", rng.choice(DECISIONS).format(topic=topic), ""]
            if rng.random() < 0.6:
                lines += [rng.choice(ASSIGNMENTS).format(who=rng.choice(people), topic=topic,
                                                         deadline=rng.choice(DEADLINES)), ""]
    return "\n".join(lines)


PARTIES = ["S", "M", "C", "V", "KD", "L", "MP", "SD"]
SECTION_TITLES = ["Val av justerare", "Godkännande av dagordning", "Anmälan av delegationsbeslut", "Meddelanden",
                  "Budgetuppföljning", "Yttrande över remiss", "Revidering av reglemente", "Motion om {topic}",
                  "Redovisning av uppdrag om {topic}", "Taxa för {topic}", "Informationsärenden", "Övriga frågor"]


def real_layout(seed: int, pages: int = 4) -> str:
    """A municipal protocol shaped like the real ones (bench/calibrate.py): a front page of label-value rows
    with a long attendee list, then many short § sections with a diarienummer, a line of report and a decision.

    Measured with bench/calibrate.py, real minutes hold about 1,070 characters, 8 text blocks,
    1.4 headings and 2.4 table rows a page, and 14 attendees a document; this generator is tuned
    to give the same within about a tenth (`make bench` prints both when the real ones are there).
    """
    rng = random.Random(seed)
    body = rng.choice(["Socialnämnden", "Kommunstyrelsen", "Barn- och utbildningsnämnden", "Tekniska nämnden"])
    members = list(dict.fromkeys(person(rng) for _ in range(30)))[:13]
    date = f"20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    lines = [f"# Protokoll {body}", "",
             f"| Sammanträdesdatum | {date} |", "| Plats och tid | Kommunhuset, kl. 13.00–16.30 |",
             f"| Beslutande | {members[0]} ({rng.choice(PARTIES)}), ordförande<br>"
             + "<br>".join(f"{m} ({rng.choice(PARTIES)})" for m in members[1:9]) + " |",
             "| Ersättare | " + "<br>".join(f"{m} ({rng.choice(PARTIES)})" for m in members[9:12]) + " |",
             f"| Övriga närvarande | {members[12]}, nämndsekreterare |",
             f"| Justerare | {members[1]} |", f"| Paragrafer | 1–{round(pages * 1.1) - 1} |", ""]
    for n in range(1, round(pages * 1.1)):
        topic = rng.choice(TOPICS)
        title = rng.choice(SECTION_TITLES).format(topic=topic)
        lines += [f"## § {n} {title}", "", f"Dnr {body[:2].upper()} {date[:4]}/{rng.randint(10, 400)}", ""]
        for _ in range(2):
            lines += [" ".join(rng.choice(REPORT) for _ in range(rng.randint(2, 3))).format(
                who=rng.choice(members), topic=topic), ""]
        if rng.random() < 0.7:
            lines += ["Beslut", "", f"{body} beslutar att " + rng.choice(
                ["godkänna redovisningen.", f"anta förslaget om {topic}.", "lägga informationen till handlingarna.",
                 f"ge förvaltningen i uppdrag att utreda {topic} {rng.choice(DEADLINES)}."]), ""]
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
