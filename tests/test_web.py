"""The staff web site: pages, escaping, file links that cannot escape, and a real browser end to end."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import MINUTES_MD, chrome

from minutes.web.serve import running

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2025, 3, 1)
EVIL = MINUTES_MD.replace("- Styrgruppen godkänner uppföljningen.",
                          "- Styrgruppen godkänner <script>alert('hej')</script> uppföljningen & <b>prognosen</b>.")


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.headers.get("content-type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("content-type", ""), e.read()


@pytest.fixture
def small_site(import_docs):
    db = import_docs({"styrgrupp.md": EVIL, "styrgrupp_kopia.pdf": MINUTES_MD.replace("2025-02-04", "2025-02-11")})
    with running(str(db), TODAY) as url:
        yield url, db


def test_pages_render_in_swedish(small_site):
    url, _ = small_site
    for path, words in [("/", "Sök i beslut"), ("/uppdrag?vem=G%C3%B6ran", "Pågående"), ("/beslut", "Beslut över tid"),
                        ("/?q=prognos", "träff")]:
        status, ctype, body = get(url + path)
        assert status == 200 and "text/html" in ctype, path
        assert words in body.decode(), path


def test_decision_text_is_escaped(small_site):
    url, _ = small_site
    for path in ("/?q=uppf%C3%B6ljningen", "/beslut"):
        html = get(url + path)[2].decode()
        assert "&lt;script&gt;alert(&#39;hej&#39;)&lt;/script&gt;" in html, path
        assert "<script>" not in html and "<b>prognosen</b>" not in html


def test_file_links_serve_only_imported_files(small_site, tmp_path):
    url, db = small_site
    import duckdb
    con = duckdb.connect(str(db), read_only=True)
    doc_id, path = con.execute("select document_id, source_path from documents order by file_name").fetchone()
    con.close()
    status, ctype, body = get(f"{url}/fil/{doc_id}")
    assert status == 200 and body == Path(path).read_bytes()
    for attempt in ("/fil/..%2F..%2F..%2Fetc%2Fpasswd", "/fil/../../etc/passwd", "/fil/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                    "/fil/%2Fetc%2Fpasswd", "/fil/000000000000", f"/fil/{doc_id}%2F..%2F..", "/static/..%2Fapp.py",
                    "/static/../app.py", f"/fil/{doc_id}/../../../etc/passwd"):
        status, _, body = get(url + attempt)
        assert status == 404, attempt
        assert b"root:" not in body and b"create_app" not in body, attempt


def test_a_moved_file_is_a_clear_404(small_site):
    url, db = small_site
    import duckdb
    con = duckdb.connect(str(db), read_only=True)
    doc_id, path = con.execute("select document_id, source_path from documents order by file_name").fetchone()
    con.close()
    os.remove(path)
    status, _, body = get(f"{url}/fil/{doc_id}")
    assert status == 404 and "finns inte" in body.decode()


def test_the_site_never_writes_to_the_warehouse(small_site):
    url, db = small_site
    before = hashlib.sha256(Path(db).read_bytes()).hexdigest()
    for path in ("/", "/?q=prognos", "/uppdrag?vem=GÄ", "/uppdrag.csv?vem=GÄ", "/beslut", "/beslut?year=2025"):
        assert get(url + urllib.parse.quote(path, safe="/?=&"))[0] == 200, path
    assert hashlib.sha256(Path(db).read_bytes()).hexdigest() == before
    assert not Path(str(db) + ".wal").exists()


def test_csv_download_has_the_persons_tasks(small_site):
    url, _ = small_site
    status, ctype, body = get(url + "/uppdrag.csv?vem=" + urllib.parse.quote("Göran Ärlig"))
    assert status == 200 and ctype.startswith("text/csv")
    assert body.startswith(b"\xef\xbb\xbf")  # for Swedish Excel: a byte-order mark and semicolons
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0] == "ansvarig;uppdrag;senast;status;organ;mötesdatum;fil;sida;återrapport;återrapporterad"
    assert lines[1].startswith("Göran Ärlig;tar fram en prognos för våren;2025-03-14;om 13 dagar;")
    assert lines[1].endswith(";ej återrapporterad;")


def test_serve_defaults_to_this_computer_only(runner, small_site, monkeypatch):
    import uvicorn

    from minutes.cli import main
    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    _, db = small_site
    res = runner.invoke(main, ["serve", "--db", str(db)])
    assert res.exit_code == 0 and calls[-1]["host"] == "127.0.0.1" and calls[-1]["port"] == 8000
    res = runner.invoke(main, ["serve", "--db", str(db), "--host", "0.0.0.0", "--port", "8080"])
    assert calls[-1]["host"] == "0.0.0.0" and "Warning" in res.output
    res = runner.invoke(main, ["serve", "--db", "/nowhere.duckdb"])
    assert res.exit_code == 1 and "minutes import" in res.output


# --- a real browser ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_site(demo_db):
    with running(str(demo_db), TODAY) as url:
        yield url


@pytest.fixture
def browser(tmp_path):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver = chrome(downloads=downloads)
    driver.downloads = downloads
    yield driver
    driver.quit()


@pytest.mark.slow
def test_staff_find_a_persons_task_follow_it_and_download_csv(demo_site, browser):
    from selenium.webdriver.common.by import By
    browser.get(demo_site + "/")
    box = browser.find_element(By.NAME, "q")
    box.send_keys("Helena Sjöberg")
    box.submit()
    hits = browser.find_elements(By.CSS_SELECTOR, "li.hit")
    assert hits and any("Sjöberg" in h.text for h in hits)

    browser.get(demo_site + "/uppdrag")
    box = browser.find_element(By.NAME, "vem")
    box.send_keys("Helena Sjöberg")
    box.submit()
    tasks = browser.find_elements(By.CSS_SELECTOR, "a.task")
    assert [t.text for t in tasks][:1] == ["Revidera rutinen för orosanmälningar"]
    tasks[0].click()
    assert "/dokument/" in browser.current_url
    assert browser.find_element(By.TAG_NAME, "h1").text == "Socialnämndens protokoll"
    row_id = browser.current_url.rsplit("#", 1)[1]
    assert "Revidera rutinen" in browser.find_element(By.ID, row_id).text
    assert browser.find_element(By.ID, "file").get_attribute("href").endswith("/fil/" + row_id[:12])

    browser.get(demo_site + "/uppdrag?vem=" + urllib.parse.quote("Helena Sjöberg"))
    browser.find_element(By.ID, "csv").click()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not list(browser.downloads.glob("*.csv")):
        time.sleep(0.1)
    (csv_file,) = browser.downloads.glob("*.csv")
    text = csv_file.read_text(encoding="utf-8-sig")
    assert text.count("Helena Sjöberg") == 3 and "Skicka remissvar till länsstyrelsen" in text


@pytest.mark.slow
def test_pages_render_in_a_browser(demo_site, browser, tmp_path):
    from selenium.webdriver.common.by import By
    for path, heading in (("/beslut", "Beslut över tid"), ("/uppdrag?vem=Helena", "Uppdrag per person")):
        browser.get(demo_site + path)
        assert browser.find_element(By.TAG_NAME, "h1").text == heading
        shot = tmp_path / "page.png"
        assert browser.save_screenshot(str(shot))
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    browser.get(demo_site + "/beslut")
    assert len(browser.find_elements(By.CSS_SELECTOR, "figure.chart svg rect")) >= 2


def test_a_missing_warehouse_is_a_clear_page(tmp_path):
    with running(str(tmp_path / "saknas.duckdb"), TODAY) as url:
        status, _, body = get(url + "/beslut")
    assert status == 503 and "minutes import" in body.decode()


def test_a_file_that_is_no_meeting_names_no_body_in_the_filters(import_docs, tmp_path):
    import duckdb

    from minutes.warehouse.overview import bodies
    from minutes.warehouse.queries import facets
    db = import_docs({"styrgrupp.md": MINUTES_MD, "inkop.md": "# Inköpslista till fikat\n\n- kaffe\n- bullar\n"})
    con = duckdb.connect(str(db))
    assert con.execute("select doc_type from documents where file_name = 'inkop.md'").fetchone() == ("other",)
    con.execute("update core.documents set body = 'Inköpslista till fikat' where file_name = 'inkop.md'")
    assert facets(con)["body"] == ["Styrgruppen för vårdnära service"]
    assert [b["body"] for b in bodies(con, TODAY)] == ["Styrgruppen för vårdnära service"]
    con.close()


# --- follow-ups: status on Uppdrag, the report per body, the life of a matter ---------------------------

@pytest.fixture(scope="module")
def followup_site(tmp_path_factory):
    """Meetings of three bodies whose later meetings report on earlier assignments (tests/test_followups.py)."""
    from test_followups import followup_warehouse
    with running(str(followup_warehouse(tmp_path_factory.mktemp("followups"))), dt.date(2024, 10, 1)) as url:
        yield url


def test_followup_pages_render(followup_site):
    url = followup_site
    status, _, body = get(url + "/uppfoljning?organ=Tekniska+n%C3%A4mnden&fran=2024-01-01")
    html = body.decode()
    assert status == 200 and "Uppföljning av uppdrag" in html and "Aldrig återrapporterade" in html
    row = html.split('href="#tekniska-nämnden">Tekniska nämnden</a></td>', 1)[1].split("</tr>", 1)[0]
    counts = [c.split(">")[-1] for c in row.split("</td>")[:6]]  # given, done, in progress, not started, never, late
    assert counts == ["3", "1", "0", "1", "1", "1"], counts
    status, ctype, body = get(url + "/uppfoljning.xlsx?organ=Tekniska+n%C3%A4mnden")
    assert status == 200 and "spreadsheetml" in ctype and body[:2] == b"PK"
    assert get(url + "/uppfoljning?fran=2024-13-01")[0] == 400  # no such date
    assert "inga möten i ett organ" in get(url + "/uppfoljning?organ=Ingen+s%C3%A5dan")[2].decode()
    status, _, body = get(url + "/arende?dnr=" + urllib.parse.quote("TN 2024/7"))
    html = body.decode()
    assert status == 200 and "Ärende TN 2024/7" in html and "återrapport" in html
    assert "Kultur- och fritidsnämnden" in html  # the same Dnr at another body's meeting: part of the matter
    status, _, body = get(url + "/arende?dnr=ZZ+1/1")
    assert status == 404 and "Inget ärende har diarienumret" in body.decode()
    assert "passar flera diarienummer" in get(url + "/arende?dnr=2024")[2].decode()
    html = get(url + "/uppdrag?vem=Karin+Ahl")[2].decode()
    assert "Klara (1)" in html and "progress-done" in html and "Försenade" not in html  # done: not overdue
    html = get(url + "/")[2].decode()  # the start page's overdue tasks leave out those reported done
    assert "dokumenthanteringsplan" not in html and "utreda kostnaderna" in html
    html = get(url + "/?q=gatubelysning&kind=decision")[2].decode()  # a decision's matter, from the search
    assert 'href="/arende?dnr=TN+2024%2F7"' in html
