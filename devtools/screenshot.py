"""Screenshots of the staff web site for the docs: imports samples/ and photographs the pages at a
phone's width (390 x 844) and a desktop's (1280 x 900) into docs/web-<page>-<size>.png.

    .venv/bin/python devtools/screenshot.py      (needs chromium and chromium-driver)
"""
from __future__ import annotations

import datetime as dt
import sys
import tempfile
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import chrome  # noqa: E402

from minutes.pipeline import import_paths  # noqa: E402
from minutes.web.serve import running  # noqa: E402

SIZES = {"phone": (390, 844), "desktop": (1280, 900)}
PAGES = {"start": "/", "sok": "/?q=budget", "uppdrag": "/uppdrag?vem=" + urllib.parse.quote("Helena Sjöberg"),
         "beslut": "/beslut", "organ": "/organ", "dokument": "/dokument/{ks}"}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = f"{tmp}/minutes.duckdb"
        import_paths([ROOT / "samples"], db)
        import duckdb
        con = duckdb.connect(db, read_only=True)
        ks = con.execute("select document_id from documents where file_name like 'ks-au%'").fetchone()[0]
        con.close()
        with running(db, dt.date(2025, 3, 1)) as url:
            for size, (width, height) in SIZES.items():
                driver = chrome(width, height)
                try:
                    for name, path in PAGES.items():
                        driver.get(url + path.format(ks=ks))
                        driver.save_screenshot(str(ROOT / "docs" / f"web-{name}-{size}.png"))
                finally:
                    driver.quit()


if __name__ == "__main__":
    main()
