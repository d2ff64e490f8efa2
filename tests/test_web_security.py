"""The web site's guarantees (issue 22): original files only as imported and never inline as a page,
security headers everywhere, a Host check, 400 for bad parameters, slow work off the event loop."""
from __future__ import annotations

import datetime as dt
import http.client
import os
import subprocess
import sys
import threading
import time
import urllib.parse

import anyio
import pytest
from conftest import MINUTES_MD

from minutes.core.settings import Settings
from minutes.warehouse import WarehouseError
from minutes.warehouse.limits import QueryTimeout
from minutes.web.serve import running
from minutes.web.site import Site

TODAY = dt.date(2025, 3, 1)


def request(url: str, path: str, host: str | None = None) -> tuple[int, dict, bytes, float]:
    """GET path with this Host header (the site's own by default); (status, headers, body, seconds)."""
    u = urllib.parse.urlsplit(url)
    t0 = time.monotonic()
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    try:
        conn.putrequest("GET", path, skip_host=True)
        conn.putheader("Host", host or u.netloc)
        conn.endheaders()
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read(), time.monotonic() - t0
    finally:
        conn.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Minutes as .md, .docx, .pdf and .txt, plus an .html and an .svg imported by name."""
    from click.testing import CliRunner
    from conftest import render

    from minutes.cli import main
    folder = tmp_path_factory.mktemp("web")
    files = {"md": render(MINUTES_MD, folder / "styrgrupp.md"),
             "docx": render(MINUTES_MD.replace("2025-02-04", "2025-02-05"), folder / "styrgrupp.docx"),
             "pdf": render(MINUTES_MD.replace("2025-02-04", "2025-02-06"), folder / "styrgrupp.pdf"),
             "txt": render(MINUTES_MD.replace("2025-02-04", "2025-02-07"), folder / "styrgrupp.txt"),
             "swap": render(MINUTES_MD.replace("2025-02-04", "2025-02-08"), folder / "byts.md"),
             "link": render(MINUTES_MD.replace("2025-02-04", "2025-02-09"), folder / "lank.md")}
    (folder / "arkiv").mkdir()
    render(MINUTES_MD.replace("2025-02-04", "2025-02-10"), folder / "arkiv" / "via.md")
    (folder / "genvag").symlink_to(folder / "arkiv")  # a share reached through a link
    files["via"] = folder / "genvag" / "via.md"
    files["html"] = folder / "sida.html"
    files["html"].write_text("<html><body><script>alert(1)</script><p>Protokoll Htmlnämnden 2025-08-06</p>"
                             "<p>Beslut: Nämnden godkänner htmltest.</p></body></html>\n", encoding="utf-8")
    files["svg"] = folder / "bild.svg"
    files["svg"].write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><text>Protokoll '
                            'Svgnämnden 2025-08-05</text></svg>\n', encoding="utf-8")
    db = folder / "w.duckdb"
    res = CliRunner().invoke(main, ["import", *map(str, files.values()), "--db", str(db), "-q"])
    assert "Traceback" not in res.output
    import duckdb
    con = duckdb.connect(str(db), read_only=True)
    ids = dict(con.execute("select source_path, document_id from documents").fetchall())
    con.close()
    with running(str(db), TODAY) as url:
        yield url, db, {k: ids.get(str(p)) for k, p in files.items()}, files


@pytest.mark.parametrize("kind, media, disposition", [
    ("pdf", "application/pdf", "inline"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "attachment"),
    ("txt", "text/plain; charset=utf-8", "inline"),
    ("md", "text/plain; charset=utf-8", "inline")])
def test_files_are_served_with_the_type_of_their_format(site, kind, media, disposition):
    url, _, ids, files = site
    status, headers, body, _ = request(url, f"/fil/{ids[kind]}")
    assert status == 200 and headers["content-type"] == media and body == files[kind].read_bytes()
    assert headers["content-disposition"].startswith(disposition)
    assert headers["x-content-type-options"] == "nosniff"


def test_an_imported_html_or_svg_is_never_a_page_of_the_site(site):
    url, _, ids, _ = site
    for kind in ("html", "svg"):
        if ids[kind] is None:  # refused by the importer: nothing to serve at all
            continue
        status, headers, _, _ = request(url, f"/fil/{ids[kind]}")
        assert status == 200 and headers["content-disposition"].startswith("attachment"), kind
        assert "sandbox" in headers["content-security-policy"] and not headers["content-type"].startswith("text/html")


def test_a_file_whose_bytes_changed_or_became_a_symlink_is_not_served(site, tmp_path):
    url, _, ids, files = site
    files["swap"].write_text("ANDRAD-EFTER-IMPORT\n", encoding="utf-8")
    secret = tmp_path / "hemlig.txt"
    secret.write_text("HEMLIGT\n", encoding="utf-8")
    os.chmod(secret, 0o600)
    files["link"].unlink()
    files["link"].symlink_to(secret)
    for kind in ("swap", "link"):
        status, _, body, _ = request(url, f"/fil/{ids[kind]}")
        assert status == 404 and b"ANDRAD" not in body and b"HEMLIGT" not in body, kind
        assert "importera den igen" in body.decode()


def test_a_file_in_a_folder_reached_through_a_link_is_served(site):
    url, _, ids, files = site
    status, _, body, _ = request(url, f"/fil/{ids['via']}")
    assert status == 200 and body == files["via"].read_bytes()


def test_every_response_carries_the_security_headers(site):
    url, _, ids, _ = site
    for path in ("/", "/beslut", "/static/style.css", "/finns-inte", f"/fil/{ids['pdf']}", "/beslut?year=x",
                 "/kalender.ics"):
        status, headers, _, _ = request(url, path)
        csp = headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp, path
        assert headers.get("x-content-type-options") == "nosniff", path
        assert headers.get("x-frame-options") == "DENY" and headers.get("referrer-policy") == "same-origin", path
    assert "script-src" not in request(url, "/")[1]["content-security-policy"]  # no script may run at all


def test_a_foreign_host_is_refused(site):
    url, _, _, _ = site
    port = urllib.parse.urlsplit(url).port
    for host in ("angripare.example", f"angripare.example:{port}", "127.0.0.1.nip.io"):
        status, headers, body, _ = request(url, "/", host=host)
        assert status == 400 and "Okänd värd" in body.decode() and "nosniff" in headers["x-content-type-options"]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        assert request(url, "/", host=host)[0] == 200


BAD = ["/?year=%C2%B2", "/?q=budget&year=%C2%B2", "/?q=budget&year=99999", "/?q=budget&year=0", "/beslut?year=-1",
       "/beslut?year=%C2%B2", "/beslut?year=99999999999999999999",
       "/?q=%00&kind=%00", "/beslut?sida=0", "/beslut?sida=abc", "/beslut?ordning=drop", "/uppdrag?status=x",
       "/?q=" + "a" * 500, "/bevakning.atom", "/bevakning.atom?q=%C2%B2", "/kalender.ics?vem=x"]


def test_bad_parameters_are_400_in_swedish_never_500(site):
    url, _, _, _ = site
    for path in BAD:
        status, headers, body, _ = request(url, path)
        assert status == 400, path
        assert "text/html" not in headers["content-type"] or "Felaktig adress" in body.decode(), path
    for path in ("/uppdrag?vem=%00", "/dokument/..%2f..%2fetc", "/organ?namn=finns-inte",
                 "/uppdrag.csv?vem=%C2%B2%C2%B2"):
        assert request(url, path)[0] in (200, 404), path


@pytest.mark.slow
def test_a_slow_request_does_not_hold_up_the_others(site):
    """While a search waits 4 s for a warehouse another process holds, the style sheet comes at once."""
    url, db, _, _ = site
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, time\nc = duckdb.connect({str(db)!r})\n"
                               "print('held', flush=True)\ntime.sleep(4)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        slow = {}
        t = threading.Thread(target=lambda: slow.setdefault("r", request(url, "/?q=prognos")))
        t.start()
        time.sleep(0.5)
        status, _, _, seconds = request(url, "/static/style.css")
        t.join()
    finally:
        holder.wait()
    assert status == 200 and seconds < 1.0, seconds
    assert slow["r"][0] == 200 and slow["r"][3] > 2.0


def test_a_query_past_its_time_limit_is_stopped(tmp_path, import_docs):
    db = import_docs({"styrgrupp.md": MINUTES_MD})
    site = Site(str(db), TODAY, Settings(query_timeout=0.5))
    t0 = time.monotonic()
    with pytest.raises(QueryTimeout):
        anyio.run(site.read, lambda con: con.execute("select count(*) from range(100000000000) a, range(10) b")
                  .fetchall())
    assert time.monotonic() - t0 < 10
    assert issubclass(QueryTimeout, WarehouseError)
    with running(str(db), TODAY, Settings(query_timeout=0.5)) as url:
        assert request(url, "/")[0] == 200  # the pages themselves are far inside the limit
