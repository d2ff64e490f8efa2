"""How well does a search word find its other forms? Three ways measured on Swedish word families.

    .venv/bin/python bench/search_terms.py

For each query word: forms that should be found (inflections, derivations a user means) and
look-alikes that should not. Compared: exact folded words, Snowball Swedish stems, and what
minutes does (Snowball stems, the query cut back to its root and matched as a prefix).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from minutes.text import fold  # noqa: E402
from minutes.text.terms import query_terms, stem  # noqa: E402

FAMILIES = [  # query, should find, should not find
    ("ansökan", "ansökningarna ansökningar ansökningen ansökan ansökans", "ansvar anslag"),
    ("beslut", "beslutet besluten beslutets besluta beslutade", "bestå besök"),
    ("uppdrag", "uppdraget uppdragen uppdragets uppdrags", "uppdatering uppfattning"),
    ("remittentstöd", "remittentstödet remittentstöden remittentstöds", "remiss remissvar"),
    ("kommun", "kommunen kommunerna kommunens kommuner", "kommentar kommitté"),
    ("region", "regionen regionerna regionens regioner", "register regel"),
    ("handlingsplan", "handlingsplanen handlingsplaner handlingsplanens", "handläggare handling"),
    ("uppföljning", "uppföljningen uppföljningar följa upp", "uppfattning uppgift"),
    ("budget", "budgeten budgetar budgetens", "bud budskap"),
    ("möte", "mötet mötena möten mötets", "mål metod"),
    ("utredning", "utredningen utredningar utredningens utreda", "utrustning utbildning"),
    ("fastställa", "fastställer fastställde fastställs fastställt", "fastighet fast"),
    ("godkänna", "godkänner godkände godkänns godkänt", "god godtycke"),
    ("vård", "vården vårdens vårdar", "vår värd"),
    ("samverkan", "samverkar samverka samverkade", "samhälle samarbete"),
    ("avtal", "avtalet avtalen avtalets", "avgift avslag"),
    ("upphandling", "upphandlingen upphandlingar upphandla upphandlat", "uppföljning upplysning"),
    ("kompetens", "kompetensen kompetenser", "kompensation komplettering"),
    ("prioritering", "prioriteringar prioriteringen prioritera prioriterade", "princip privat"),
    ("arbetsgrupp", "arbetsgruppen arbetsgrupper arbetsgruppens", "arbetsmiljö arbetsgivare"),
    ("nämnd", "nämnden nämnder nämndens", "nämna nämndeman"),
    ("remiss", "remissen remisser remissens", "remittent rems"),
    ("förslag", "förslaget förslagen föreslå föreslår", "försök förstärkning"),
    ("tidplan", "tidplanen tidplaner", "tidpunkt tidning"),
    ("läkemedel", "läkemedlen läkemedlet läkemedels", "läkare läge"),
]


def forms(text: str) -> list[str]:
    return text.split() if text else []


def exact(q: str, w: str) -> bool:
    return fold(q) == fold(w)


def snowball(q: str, w: str) -> bool:
    return all(any(stem(x) == stem(y) for y in w.split()) for x in q.split())


def minutes(q: str, w: str) -> bool:
    terms = [stem(y) for y in w.split()]
    return all(any(t.startswith(root) if prefix else t == root for t in terms) for root, prefix in query_terms(q))


def main() -> None:
    ways = {"exact folded word": exact, "Snowball stem": snowball, "minutes (stem, root prefix)": minutes}
    print(f"{len(FAMILIES)} Swedish word families; found = share of forms a user means that are found, "
          "false = look-alikes found too")
    print(f"{'':30}{'found':>8}{'false':>8}{'µs/word':>9}")
    for name, fn in ways.items():
        good = bad = n_good = n_bad = 0
        t = time.perf_counter()
        for q, yes, no in FAMILIES:
            for w in forms(yes):
                good += fn(q, w)
                n_good += 1
            for w in forms(no):
                bad += fn(q, w)
                n_bad += 1
        us = (time.perf_counter() - t) / (n_good + n_bad) * 1e6
        print(f"{name:30}{good / n_good:8.0%}{bad / n_bad:8.0%}{us:9.1f}")


if __name__ == "__main__":
    main()
