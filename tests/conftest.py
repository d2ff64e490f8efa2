"""Shared fixtures: small Swedish documents rendered at test time, and the CLI runner."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # devtools.docgen

from devtools.docgen import render  # noqa: E402

MINUTES_MD = """\
# Minnesanteckningar Styrgruppen för vårdnära service

| Datum | 2025-02-04 |
| Tid | kl. 13.00–15.00 |
| Plats | Regionhuset, rum Älven |
| Närvarande | Åsa Öberg (ÅÖ), ordf. | Region Örebro län |
| | Göran Ärlig (GÄ) | Region Värmland |
| Frånvarande | Märta Ådahl (MÅ) | Region Dalarna |

## 1. Ekonomisk uppföljning

Göran Ärlig redogör för utfallet.

**Beslut:**

- Styrgruppen godkänner uppföljningen.
- GÄ tar fram en prognos för våren senast 2025-03-14.
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def make_doc(tmp_path):
    """make_doc(markdown, "name.pdf" | "name.docx" | "name.md" | "name.scan.pdf") -> Path."""
    def _make(md: str, name: str) -> Path:
        return render(md, tmp_path / name)
    return _make


@pytest.fixture
def minutes_folder(tmp_path) -> Path:
    """A folder with the same meeting as .docx and .pdf plus a text file."""
    folder = tmp_path / "protokoll"
    folder.mkdir()
    render(MINUTES_MD, folder / "styrgrupp_2025-02-04.docx")
    render(MINUTES_MD.replace("2025-02-04", "2025-02-18"), folder / "styrgrupp_2025-02-18.pdf")
    return folder


@pytest.fixture
def import_docs(runner, tmp_path):
    """import_docs({"file name.pdf": markdown, ...}) -> the warehouse they were imported into."""
    def _import(docs: dict[str, str]) -> Path:
        from minutes.cli import main
        folder = tmp_path / "in"
        folder.mkdir(exist_ok=True)
        for name, md in docs.items():
            render(md, folder / name)
        db = tmp_path / "w.duckdb"
        res = runner.invoke(main, ["import", str(folder), "--db", str(db)])
        assert res.exit_code == 0, res.output
        return db
    return _import


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The demo warehouse: samples/ imported as `make demo` does (the scanned sample is read by OCR: slow)."""
    from minutes.cli import main
    db = tmp_path_factory.mktemp("demo") / "minutes.duckdb"
    res = CliRunner().invoke(main, ["import", str(ROOT / "samples"), "--db", str(db), "-q"])
    assert res.exit_code == 0, res.output
    return db
