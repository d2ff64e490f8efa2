"""The kinds other parts of minutes hold (the web site, `minutes sql`, exports, the terminal), run on a
small warehouse of good and special documents. `make redteam` reports them but does not fail on them."""
from __future__ import annotations

import csv
import http.client
import io
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
import zipfile
from pathlib import Path

from .checks import Ctx, Kind, _last_error
from .documents import SECRET_MARKER, make_good
from .judge import Verdict, short
from .procs import run_in_pty, try_q

def _aux_doc_id(ctx: Ctx, key: str) -> str | None:
    r = try_q(ctx.aux_db, "SELECT document_id FROM documents WHERE source_path = ?", [str(ctx.aux[key])])
    return r[0]["document_id"] if r else None


def _http(ctx: Ctx, path: str, host: str | None = None, timeout: float = 40) -> tuple[int, dict, bytes, float]:
    u = urllib.parse.urlsplit(ctx.url)
    t = time.monotonic()
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    try:
        conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host or f"{u.hostname}:{u.port}")
        conn.endheaders()
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body, time.monotonic() - t
    finally:
        conn.close()


def check_web_fil_changed(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    """/fil/<id> of a file whose bytes changed after import, and of one swapped for a symlink to a secret."""
    out = []
    ok = True
    for key, label in (("swap_bytes", "rewritten"), ("swap_link", "swapped for a symlink to a 600 file")):
        doc = _aux_doc_id(ctx, key)
        if not doc:
            out.append(f"{label}: not imported")
            continue
        status, headers, body, _ = _http(ctx, f"/fil/{doc}")
        served_new = status == 200 and (b"ANDRAD-EFTER-IMPORT" in body or SECRET_MARKER.encode() in body)
        ok &= not served_new
        out.append(f"{label}: {status}{' served the changed bytes' if served_new else ''}")
    return Verdict(ok, "; ".join(out))


def check_web_fil_html_svg(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    out, ok = [], True
    for key in ("svg", "html"):
        doc = _aux_doc_id(ctx, key)
        if not doc:
            out.append(f".{key} not imported")
            continue
        status, headers, body, _ = _http(ctx, f"/fil/{doc}")
        cd = headers.get("content-disposition", "")
        ct = headers.get("content-type", "")
        inline = status == 200 and not cd.lower().startswith("attachment")
        ok &= not inline
        out.append(f".{key}: {status} {ct.split(';')[0]} {cd.split(';')[0] or 'no disposition'}")
    return Verdict(ok, "; ".join(out))


WEB_BAD_PARAMS = ["/?year=%C2%B2", "/?q=budget&year=%C2%B2", "/?q=budget&year=99999", "/?q=budget&year=0",
                  "/beslut?year=-1", "/beslut?year=%C2%B2", "/beslut?year=99999999999999999999",
                  "/uppdrag?vem=%00", "/uppdrag.csv?vem=%C2%B2%C2%B2", "/?q=%00&kind=%00", "/dokument/..%2f..%2fetc"]


def check_web_bad_params(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    bad = []
    codes = []
    for url in WEB_BAD_PARAMS:
        status, _, _, _ = _http(ctx, url)
        codes.append(f"{url}={status}")
        if status >= 500:
            bad.append(f"{url} -> {status}")
    return Verdict(not bad, ("500s: " + ", ".join(bad)) if bad else f"{len(codes)} URLs, none 5xx")


def check_web_security_headers(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    status, h, _, _ = _http(ctx, "/")
    missing = []
    csp = h.get("content-security-policy", "")
    if not csp:
        missing.append("Content-Security-Policy")
    if h.get("x-content-type-options", "").lower() != "nosniff":
        missing.append("X-Content-Type-Options: nosniff")
    if "frame-ancestors" not in csp and "x-frame-options" not in h:
        missing.append("frame-ancestors/X-Frame-Options")
    return Verdict(not missing, ("missing " + ", ".join(missing)) if missing else f"present (CSP: {short(csp, 60)})")


def check_web_bad_host(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    status, _, _, _ = _http(ctx, "/", host="angripare.example")
    return Verdict(status in (400, 403, 421), f"Host: angripare.example -> {status}")


def check_web_slow_request(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    """While one search is slow (the warehouse held by another process for 6 s), a CSS request must be fast."""
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time\n"
                               f"c = duckdb.connect({str(ctx.aux_db)!r})\nprint('held', flush=True)\ntime.sleep(6)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        if holder.stdout.readline().strip() != "held":
            return Verdict(False, "inconclusive: could not hold the warehouse")
        slow: dict = {}

        def search() -> None:
            slow["r"] = _http(ctx, "/?q=budget")
        t = threading.Thread(target=search)
        t.start()
        time.sleep(0.5)
        status, _, _, css_s = _http(ctx, "/static/style.css")
        t.join()
    finally:
        holder.wait()
    s_status, _, _, s_s = slow.get("r", (0, {}, b"", 0))
    return Verdict(css_s < 1.0, f"CSS took {css_s:.2f} s ({status}) while a search took {s_s:.1f} s ({s_status})")


def check_sql_time_limit(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    p = ctx.minutes_cmd("sql", "select count(*) from range(100000000000) a, range(10) b", "--db", str(ctx.aux_db),
                        timeout=ctx.args.sql_timeout)
    if p.killed:
        return Verdict(False, f"no time limit: still running after {p.wall:.0f} s (killed), {p.peak_mb:.0f} MB")
    return Verdict(p.rc != 0 and "Traceback" not in p.text,
                   f"exit {p.rc} after {p.wall:.1f} s: {_last_error(p)}")


def check_sql_memory_limit(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    p = ctx.minutes_cmd("sql", "select length(string_agg(repeat('x', 1000), ',')) from range(20000000)",
                        "--db", str(ctx.aux_db), timeout=ctx.args.sql_timeout)
    budget = ctx.args.sql_mem_mb
    if p.killed:
        return Verdict(False, f"killed: {p.killed}, peak {p.peak_mb:.0f} MB")
    hit_harness = p.max_proc_mb > budget
    detail = (f"exit {p.rc} after {p.wall:.1f} s, peak {p.max_proc_mb:.0f} MB "
              f"(harness address-space limit {ctx.args.mem_mb} MB): {_last_error(p)}")
    if hit_harness:
        return Verdict(False, "no memory limit of its own: " + detail)
    return Verdict(p.rc != 0 and "Traceback" not in p.text, detail)


def check_sql_copy_refused(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    target = ctx.workdir / "sql-copy.csv"
    p = ctx.minutes_cmd("sql", f"COPY (select 1) TO '{target}'", "--db", str(ctx.aux_db))
    ok = p.rc != 0 and not target.exists() and "Traceback" not in p.text
    return Verdict(ok, f"exit {p.rc}, file {'written' if target.exists() else 'not written'}: {_last_error(p)}")


def check_sql_read_text_refused(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    p = ctx.minutes_cmd("sql", "select * from read_text('/etc/passwd')", "--db", str(ctx.aux_db))
    leaked = b"root:" in p.out
    ok = p.rc != 0 and not leaked and "Traceback" not in p.text
    return Verdict(ok, f"exit {p.rc}{', /etc/passwd printed' if leaked else ''}: {_last_error(p)}")


def _formula_cells(values: list[str]) -> list[str]:
    return [v for v in values if v and v[0] in "=+-@\t\r" and not re.fullmatch(r"-?[\d.,]+", v)]


def check_export_formula_xlsx(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    """A task starting with '=' exported to Excel: a warehouse of the good files and that document alone
    (the aux warehouse also holds control characters, which break the xlsx export on their own)."""
    base = ctx.workdir / "formula"
    folder = base / "in"
    make_good(folder / "good")
    shutil.copy(ctx.aux["formula"], folder / "formel.md")
    db = base / "w.duckdb"
    ctx.minutes_cmd("import", str(folder), "--db", str(db), "-q")
    stored = try_q(db, "SELECT task FROM assignments WHERE task LIKE '%HYPERLINK%' OR task LIKE '@SUM%'") or []
    out = base / "export-xlsx"
    p = ctx.minutes_cmd("export", "--format", "xlsx", "--out", str(out), "--db", str(db))
    book = out / "minutes.xlsx"
    if p.rc != 0 or not book.exists():
        return Verdict(False, f"export failed: exit {p.rc}: {_last_error(p)}")
    formulas = []
    with zipfile.ZipFile(book) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8", "replace")
                formulas += [f"{Path(name).stem}: ={short(m, 50)}" for m in re.findall(r"<f>(.*?)</f>", xml)]
    if not stored:
        return Verdict(not formulas, "the '=' task was not stored as an assignment (inconclusive); "
                                     f"{len(formulas)} formulas in the workbook")
    return Verdict(not formulas, f"{len(formulas)} formula cell(s): {formulas[0]}" if formulas
                   else f"{len(stored)} '=' tasks exported as text")


def check_export_formula_csv(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    out = ctx.workdir / "export-csv"
    p = ctx.minutes_cmd("export", "--format", "csv", "--out", str(out), "--db", str(ctx.aux_db))
    if p.rc != 0:
        return Verdict(False, f"export failed: exit {p.rc}: {_last_error(p)}")
    hits = []
    for f in sorted(out.glob("*.csv")):
        with open(f, newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                hits += [f"{f.name}: {short(c, 40)}" for c in _formula_cells(row)]
    # the web site's CSV of one person's tasks
    web = []
    if ctx.url:
        status, _, body, _ = _http(ctx, "/uppdrag.csv?vem=" + urllib.parse.quote("Anna Svensson"))
        for row in csv.reader(io.StringIO(body.decode("utf-8-sig", "replace"))):
            web += [f"uppdrag.csv: {short(c, 40)}" for c in _formula_cells(row)]
    allhits = hits + web
    return Verdict(not allhits, f"{len(hits)} CSV cells and {len(web)} web CSV cells start with = + - @, e.g. "
                                f"{allhits[0]}" if allhits else "no cell starts with = + - @")


def check_term_escapes(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    """The commands print a document's text to a terminal (a pty: click strips CSI codes only for pipes)."""
    stored = try_q(ctx.aux_db, "SELECT count(*) AS n FROM decisions WHERE text LIKE ?", ["%escapetest%"]) or [{"n": 0}]
    raw = try_q(ctx.aux_db, "SELECT count(*) AS n FROM decisions WHERE contains(text, chr(27)) OR contains(text, chr(7))")
    db = str(ctx.aux_db)
    sql = "select text from decisions where text like '%escapetest%'"
    cmds = {"sql": ["sql", sql, "--db", db], "sql -f csv": ["sql", sql, "--db", db, "-f", "csv"],
            "sql --max-width 0": ["sql", sql, "--db", db, "--max-width", "0"],
            "search": ["search", "escapetest", "--db", db], "decisions": ["decisions", "--db", db]}
    ids = try_q(ctx.aux_db, "SELECT decision_id FROM decisions WHERE text LIKE '%escapetest%'") or []
    if ids:
        cmds["explain"] = ["explain", ids[0]["decision_id"], "--db", db]
    leaks = []
    for name, args in cmds.items():
        rc, out = run_in_pty([ctx.minutes, *args], mem_mb=ctx.args.mem_mb)
        found = [label for code, label in ((b"\x1b[31m", "ESC[31m"), (b"\x1b]0;", "ESC]0;"), (b"\x07", "BEL"))
                 if code in out]
        if found:
            leaks.append(f"{name} ({'+'.join(found)})")
    if not stored[0]["n"]:
        return Verdict(not leaks, "the decision was not stored (inconclusive)")
    return Verdict(not leaks, (f"escapes reach the terminal from: {', '.join(leaks)} "
                               f"(stored raw in {raw[0]['n'] if raw else '?'} decision(s))") if leaks
                   else f"no ESC/BEL in the output of {len(cmds)} commands")


def check_export_xlsx_control_chars(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    """`export --format xlsx` of a warehouse holding a document with control characters (ESC, BEL)."""
    out = ctx.workdir / "export-xlsx-aux"
    p = ctx.minutes_cmd("export", "--format", "xlsx", "--out", str(out), "--db", str(ctx.aux_db))
    tb = "Traceback" in p.text
    return Verdict(p.rc == 0 and not tb and (out / "minutes.xlsx").exists(),
                   f"exit {p.rc}{', traceback' if tb else ''}: {_last_error(p)}")


def check_export_xlsx_empty(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    base = ctx.workdir / "empty"
    (base / "in").mkdir(parents=True, exist_ok=True)
    db = base / "tom.duckdb"
    imp = ctx.minutes_cmd("import", str(base / "in"), "--db", str(db))
    p = ctx.minutes_cmd("export", "--format", "xlsx", "--out", str(base / "out"), "--db", str(db))
    lines = [ln for ln in p.text.splitlines() if ln.strip()]
    tb = "Traceback" in p.text
    ok = not tb and (p.rc == 0 or len([ln for ln in p.err_text.splitlines() if ln.strip()]) <= 1)
    return Verdict(ok, f"import exit {imp.rc}; export exit {p.rc}{', traceback' if tb else ''}, "
                       f"{len(lines)} lines: {_last_error(p)}")


def check_missing_db_folder(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    db = f"/nonexistent-redteam-{os.getpid()}/mapp/x.duckdb"
    results = []
    ok = True
    for args in (["sql", "select 1", "--db", db],
                 ["export", "--format", "xlsx", "--out", str(ctx.workdir / "missing-out"), "--db", db],
                 ["search", "budget", "--db", db]):
        p = ctx.minutes_cmd(*args)
        errlines = [ln for ln in p.err_text.splitlines() if ln.strip()]
        tb = "Traceback" in p.text
        good_msg = p.rc != 0 and not tb and len(errlines) <= 1
        ok &= good_msg
        results.append(f"{args[0]}: exit {p.rc}{' traceback' if tb else ''} '{short(errlines[-1] if errlines else '', 70)}'")
    return Verdict(ok, "; ".join(results))
