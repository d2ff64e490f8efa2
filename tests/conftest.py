"""Shared fixtures: small Swedish documents rendered at test time, and the CLI runner."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # devtools.docgen

from devtools.docgen import minutes_markdown, render  # noqa: E402

# Imports run in the test's own process (and in the commands tests start): a test of the import
# service starts it itself (tests/test_service.py).
os.environ["MINUTES_IMPORT_SERVICE"] = "0"

MINUTES_MD = minutes_markdown("2025-02-04")


def rows(db, sql: str, params=()) -> list[tuple]:
    """The rows of a query on a warehouse file, read-only."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


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


def imported(docs: dict[str, str], where: Path) -> Path:
    """Render {"file name.pdf": markdown, ...} into where/in and import them into where/w.duckdb."""
    from minutes.cli import main
    folder = where / "in"
    folder.mkdir(exist_ok=True)
    for name, md in docs.items():
        render(md, folder / name)
    db = where / "w.duckdb"
    res = CliRunner().invoke(main, ["import", str(folder), "--db", str(db)])
    assert res.exit_code == 0, res.output
    return db


@pytest.fixture
def import_docs(tmp_path):
    """import_docs({"file name.pdf": markdown, ...}) -> the warehouse they were imported into."""
    return lambda docs: imported(docs, tmp_path)


# --- a real browser (headless Chromium) ------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def chrome(width: int = 1280, height: int = 900, downloads: Path | None = None):
    """Headless Chromium showing pages at `width` x `height` CSS pixels (a phone is 390 x 844)."""
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.fail("Chromium and chromedriver are needed: apt-get install chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", f"--window-size={max(width, 500)},{height}"):
        opts.add_argument(arg)
    if downloads:
        opts.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                               "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    return driver


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The demo warehouse: samples/ imported as `make demo` does (the scanned sample is read by OCR: slow)."""
    from minutes.cli import main
    db = tmp_path_factory.mktemp("demo") / "minutes.duckdb"
    res = CliRunner().invoke(main, ["import", str(ROOT / "samples"), "--db", str(db), "-q"])
    assert res.exit_code == 0, res.output
    return db
