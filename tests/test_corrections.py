"""Corrections: a person fixes a row from the CLI or the web page, the fix shows everywhere, survives
re-importing the file unchanged and changed, and is reported when its row is gone."""
from __future__ import annotations

import datetime as dt
import http.client
import re
import urllib.parse
import urllib.request

import duckdb
import pytest
from conftest import MINUTES_MD, render

from minutes.cli import main
from minutes.web.serve import running

TASK = "tar fram en prognos för våren"


def one(db, sql, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def task_id(db) -> str:
    return one(db, "select assignment_id from assignments where task = ?", [TASK])[0][0]


@pytest.fixture
def setup(runner, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    path = render(MINUTES_MD, folder / "styrgrupp.md")
    db = tmp_path / "w.duckdb"
    assert runner.invoke(main, ["import", str(folder), "--db", str(db), "-q"]).exit_code == 0
    return folder, path, db


def reimport(runner, folder, db, *extra) -> str:
    res = runner.invoke(main, ["import", str(folder), "--db", str(db), "-q", *extra])
    assert res.exit_code == 0, res.output
    return res.output


def test_a_correction_shows_in_views_queries_explain_and_survives_reimports(runner, setup):
    folder, path, db = setup
    row = task_id(db)
    res = runner.invoke(main, ["correct", row, "owner=Märta Ådahl", "deadline=2025-04-30", "--note",
                               "Fel person i protokollet", "--by", "Nina Registrator", "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "owner: Göran Ärlig -> Märta Ådahl" in res.output and "deadline: 2025-03-14 -> 2025-04-30" in res.output
    expected = [("Märta Ådahl", dt.date(2025, 4, 30))]
    assert one(db, "select owner, deadline from assignments where assignment_id = ?", [row]) == expected
    res = runner.invoke(main, ["assigned", "Märta Ådahl", "--db", str(db), "-f", "csv"])
    assert TASK in res.output
    res = runner.invoke(main, ["explain", row, "--db", str(db)])
    assert "corrected owner: Göran Ärlig -> Märta Ådahl by Nina Registrator" in res.output
    assert "(Fel person i protokollet)" in res.output

    reimport(runner, folder, db, "--force")  # the same bytes extracted again
    assert one(db, "select owner, deadline from assignments where task = ?", [TASK]) == expected

    # the file changes: a new point before it renumbers the rows; the correction follows its row
    path.write_text(MINUTES_MD.replace("- Styrgruppen godkänner uppföljningen.",
                                       "- ÅÖ bokar lokal till nästa möte senast 2025-02-20.\n"
                                       "- Styrgruppen godkänner uppföljningen."), encoding="utf-8")
    reimport(runner, folder, db)
    assert one(db, "select owner, deadline from assignments where task = ?", [TASK]) == expected
    assert task_id(db) != row  # the row was renumbered
    assert one(db, "select status, row_id from corrections where field = 'owner'") == [("applied", task_id(db))]


def test_a_row_marked_wrong_leaves_the_views_and_stays_explained(runner, setup):
    folder, _, db = setup
    decision = one(db, "select decision_id from decisions where text like 'Styrgruppen godkänner%'")[0][0]
    res = runner.invoke(main, ["correct", decision, "--wrong", "--note", "Ingen beslut", "--db", str(db)])
    assert res.exit_code == 0 and "marked wrong" in res.output
    assert one(db, "select count(*) from decisions where decision_id = ?", [decision]) == [(0,)]
    reimport(runner, folder, db, "--force")
    assert one(db, "select count(*) from decisions where text like 'Styrgruppen godkänner%'") == [(0,)]
    res = runner.invoke(main, ["explain", decision, "--db", str(db)])
    assert res.exit_code == 0 and "marked wrong" in res.output and "Ingen beslut" in res.output


def test_an_orphaned_correction_is_reported(runner, setup):
    folder, path, db = setup
    assert runner.invoke(main, ["correct", task_id(db), "deadline=2025-04-30", "--db", str(db)]).exit_code == 0
    path.write_text(MINUTES_MD.replace("GÄ tar fram en prognos för våren", "GÄ tar fram en budget för hösten"),
                    encoding="utf-8")
    res = runner.invoke(main, ["import", str(folder), "--db", str(db), "-q"])
    assert res.exit_code == 0 and "1 correction no longer finds its row" in res.output
    res = runner.invoke(main, ["corrections", "--orphaned", "--db", str(db), "-f", "csv"])
    assert "orphaned" in res.output and "deadline" in res.output and "2025-04-30" in res.output
    assert one(db, "select deadline from assignments") == [(dt.date(2025, 3, 14),)]  # nothing else was touched


def test_bad_corrections_are_refused_with_what_to_write(runner, setup):
    _, _, db = setup
    row = task_id(db)
    for args, words in ((["deadline=14 mars"], "YYYY-MM-DD"), (["colour=blue"], "cannot be corrected"),
                        (["owner"], "FIELD=VALUE"), ([], "Say what to correct"),
                        (["owner=Göran Ärlig"], "Nothing to change")):
        res = runner.invoke(main, ["correct", row, *args, "--db", str(db)])
        assert res.exit_code != 0 and words in res.output, (args, res.output)
    res = runner.invoke(main, ["correct", row[:12] + "-B0001", "text=x", "--db", str(db)])
    assert res.exit_code == 1 and "cannot be corrected" not in res.output and "decisions (-D)" in res.output


def _post(url: str, path: str, fields: dict, cookie: str | None, origin: str | None) -> tuple[int, str]:
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    if origin:
        headers["Origin"] = origin
    conn.request("POST", path, urllib.parse.urlencode(fields), headers)
    r = conn.getresponse()
    return r.status, r.read().decode()


def test_the_web_page_corrects_with_a_csrf_token_and_shows_who_when_why(setup):
    _, _, db = setup
    row = task_id(db)
    with running(str(db), dt.date(2025, 3, 1)) as url:  # read-only: no editing at all
        assert "Rätta" not in urllib.request.urlopen(f"{url}/dokument/{row[:12]}").read().decode()
        assert _post(url, f"/ratta/{row}", {"owner": "X"}, None, url)[0] == 404
    with running(str(db), dt.date(2025, 3, 1), edit_rows=True) as url:
        with urllib.request.urlopen(f"{url}/ratta/{row}") as r:
            html, cookie = r.read().decode(), r.headers["set-cookie"].split(";")[0]
        token = re.search(r'name="token" value="([^"]+)"', html).group(1)
        fields = {"token": token, "owner": "Märta Ådahl", "task": TASK, "deadline": "2025-03-14",
                  "note": "Fel person", "author": "Nina"}
        assert _post(url, f"/ratta/{row}", fields, None, url)[0] == 403  # no cookie
        assert _post(url, f"/ratta/{row}", fields, cookie, "http://angripare.example")[0] == 403
        assert _post(url, f"/ratta/{row}", {**fields, "token": "x" + token[1:]}, cookie, url)[0] == 403
        status, body = _post(url, f"/ratta/{row}", {**fields, "deadline": "14 mars"}, cookie, url)
        assert status == 400 and "ÅÅÅÅ-MM-DD" in body
        assert _post(url, f"/ratta/{row}", fields, cookie, url)[0] == 303
        page = urllib.request.urlopen(f"{url}/dokument/{row[:12]}").read().decode()
    assert "Rättad: owner var <del>Göran Ärlig</del>, nu <ins>Märta Ådahl</ins> – Nina" in page
    assert "”Fel person”" in page
    assert one(db, "select owner from assignments where assignment_id = ?", [row]) == [("Märta Ådahl",)]
    assert one(db, "select count(*) from corrections") == [(1,)]  # only the field that changed


def test_editing_is_for_this_computer_only(runner, setup, monkeypatch):
    import uvicorn
    _, _, db = setup
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: None)
    res = runner.invoke(main, ["serve", "--db", str(db), "--edit", "--host", "0.0.0.0"])
    assert res.exit_code == 1 and "only on this computer" in res.output
    assert runner.invoke(main, ["serve", "--db", str(db), "--edit"]).exit_code == 0
