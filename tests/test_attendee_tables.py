"""Table-driven attendee tests: every line of tests/data/names.yaml read as one attendee entry, and every
layout of tests/data/attendee_layouts.yaml read as a whole document (Markdown, and rendered to .docx)."""
from pathlib import Path

import pytest
import yaml

from devtools.docgen import render
from minutes.extractors import extract
from minutes.extractors.text import parse_text
from minutes.rules.attendees import find_attendees, parse_person
from minutes.rules.names import names
from minutes.rules.vocab import vocab
from minutes.text import fold

DATA = Path(__file__).parent / "data"
NAMES = yaml.safe_load((DATA / "names.yaml").read_text(encoding="utf-8"))
LAYOUTS = yaml.safe_load((DATA / "attendee_layouts.yaml").read_text(encoding="utf-8"))


# Rows and layouts not read correctly yet (issue 21): each passes by failing until it is read, then
# strict xfail makes it fail so that it is moved out of this list.
LINES_NOT_YET = {
    "Amir Suljić (S) Holmåsens kommun",  # role "adjungerad" comes from the label, not the line
    "Gösta Lind (mp)",  # absent from context
    "Sofie Brandt, p 4-6 | Region Norrmark",  # "p 4-6" read as an organisation
    "Annika Lax, Neuroförbundet",  # absent from context
}
LAYOUTS_NOT_YET = {"substitute_ersatter_comma_party", "adjungerade_other_municipality",
                   "NEG_kallelse_signature"}
# Rendered to .docx, paragraphs break differently: these differ from the Markdown reading.
RENDERED_NOT_YET = LAYOUTS_NOT_YET - {"NEG_kallelse_signature"} | {"partial_kom_under_punkt",
                                                                   "meddelat_forhinder"}


def _params(rows: list[dict], key: str, not_yet: set[str]) -> list:
    return [pytest.param(r, id=r[key][:40], marks=[pytest.mark.xfail(strict=True, reason="not read yet")]
                         if r[key] in not_yet else []) for r in rows]


def _same(a: str | None, b: str | None) -> bool:
    return fold(a or "") == fold(b or "")


@pytest.mark.parametrize("row", _params(NAMES, "text", LINES_NOT_YET))
def test_attendee_line(row):
    found = parse_person(row["text"], political=True)
    if row["name"] is None:
        assert not found, found
        return
    assert found, row["text"]
    person = found[0]
    assert person.name == row["name"]
    assert (person.party or None) == row["party"], person
    if row["role"] is not None:
        assert _same(person.role, vocab().role(row["role"]) or row["role"]), person
    if row["organisation"] is not None:
        assert _same(person.organisation, row["organisation"]), person
    if row["status_hint"] in ("substitute", "absent"):  # what the line says; adjunct comes from a label
        assert person.status == row["status_hint"], person


def _check_layout(layout: dict, people: list) -> None:
    got = {fold(a.name): a for a in people}
    wanted = {fold(w["name"]): w for w in layout["attendees"]}
    required = {k for k, w in wanted.items() if not w.get("optional")}
    assert required <= set(got), f"missed {sorted(required - set(got))}"
    assert set(got) <= set(wanted), f"not attendees: {sorted(set(got) - set(wanted))}"
    for key, a in got.items():
        w = wanted[key]
        assert a.status == w["status"], (a.name, a.status, w["status"])
        for field in ("party", "role", "organisation"):
            want = (vocab().role(w[field]) or w[field]) if field == "role" and w.get(field) else w.get(field)
            if want is not None:
                assert _same(getattr(a, field), want), (a.name, field, getattr(a, field), w[field])


@pytest.mark.parametrize("layout", _params(LAYOUTS, "layout", LAYOUTS_NOT_YET))
def test_attendee_layout(layout):
    _check_layout(layout, find_attendees(parse_text(layout["text"])))


@pytest.mark.slow
@pytest.mark.parametrize("layout", _params(LAYOUTS, "layout", RENDERED_NOT_YET))
def test_attendee_layout_rendered(layout, tmp_path):
    path = render(layout["text"], tmp_path / "layout.docx")
    _check_layout(layout, find_attendees(extract(path)))


@pytest.mark.parametrize("example", names().data.examples, ids=lambda e: e.text[:40])
def test_name_model_examples(example):
    assert [n.text for n in names().find(example.text)] == example.names
