"""Screenshots of the staff web site for the README: imports samples/ and photographs two pages.

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

from minutes.pipeline import import_paths  # noqa: E402
from minutes.web.serve import running  # noqa: E402


def main() -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--window-size=1200,760"):
        opts.add_argument(arg)
    with tempfile.TemporaryDirectory() as tmp:
        db = f"{tmp}/minutes.duckdb"
        import_paths([ROOT / "samples"], db)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
        try:
            with running(db, dt.date(2025, 3, 1)) as url:
                for path, name in (("/uppdrag?vem=" + urllib.parse.quote("Helena Sjöberg"), "web-uppdrag.png"),
                                   ("/beslut", "web-beslut.png")):
                    driver.get(url + path)
                    driver.save_screenshot(str(ROOT / "docs" / name))
        finally:
            driver.quit()


if __name__ == "__main__":
    main()
