"""`minutes watch`: files dropped into a folder are imported once complete, with a readable log."""
from __future__ import annotations

import logging
import os
import threading
import time

import duckdb
from conftest import MINUTES_MD, render

from minutes.cli import main
from minutes.core.settings import Settings
from minutes.pipeline.watch import Watcher


def stored(db) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return sorted(r[0] for r in con.execute("select file_name from documents").fetchall())
    finally:
        con.close()


def test_files_dropped_into_the_folder_are_imported_as_they_complete(tmp_path, caplog):
    inbox, source = tmp_path / "inkommande", tmp_path / "src"
    (inbox / "2025").mkdir(parents=True)
    source.mkdir()
    first = render(MINUTES_MD, source / "styrgrupp_2025-02-04.md")
    growing = render(MINUTES_MD.replace("2025-02-04", "2025-02-18"), source / "styrgrupp_2025-02-18.md").read_bytes()
    doomed = render(MINUTES_MD.replace("2025-02-04", "2025-03-04"), source / "styrgrupp_2025-03-04.md").read_bytes()
    db = tmp_path / "w.duckdb"
    watcher = Watcher(inbox, db, Settings(watch_interval=0.2, watch_settle=0.6))
    caplog.set_level(logging.INFO, logger="minutes.watch")
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        os.replace(first, inbox / "2025" / first.name)  # a finished file, in a subfolder
        half = inbox / "styrgrupp_2025-02-18.md"  # a file still being written, a part at a time
        with open(half, "wb") as fh:
            for start in range(0, len(growing), 200):
                fh.write(growing[start:start + 200])
                fh.flush()
                time.sleep(0.25)
        (inbox / "styrgrupp_2025-03-04.md").write_bytes(doomed)  # removed before it settles
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and "found styrgrupp_2025-03-04.md" not in caplog.text:
            time.sleep(0.05)
        (inbox / "styrgrupp_2025-03-04.md").unlink()
        while time.monotonic() < deadline and (caplog.text.count("imported ") < 2 or "removed" not in caplog.text):
            time.sleep(0.3)  # (the log, not the warehouse: this process's watcher holds it meanwhile)
    finally:
        watcher.stop.set()
        thread.join(timeout=60)
    assert stored(db) == ["styrgrupp_2025-02-04.md", "styrgrupp_2025-02-18.md"]
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from imports where status = 'failed'").fetchone() == (0,)
    assert con.execute("select count(*) from decisions").fetchone() == (4,)  # the growing file read whole
    con.close()
    log = caplog.text
    assert "imported 2025/styrgrupp_2025-02-04.md: Styrgruppen för vårdnära service 2025-02-04, 2 decisions" in log
    assert "imported styrgrupp_2025-02-18.md" in log
    assert "styrgrupp_2025-03-04.md was removed before it was imported" in log
    assert "stopped watching" in log


def test_once_for_cron_and_a_restart_imports_nothing_twice(runner, tmp_path):
    inbox = tmp_path / "inkommande"
    inbox.mkdir()
    render(MINUTES_MD, inbox / "styrgrupp.md")
    db, log = tmp_path / "w.duckdb", tmp_path / "watch.log"
    args = ["watch", str(inbox), "--db", str(db), "--once", "--settle", "0.3", "--log", str(log)]
    res = runner.invoke(main, args)
    assert res.exit_code == 0, res.output
    assert stored(db) == ["styrgrupp.md"]
    assert "imported styrgrupp.md: Styrgruppen för vårdnära service 2025-02-04" in log.read_text(encoding="utf-8")
    res = runner.invoke(main, args + ["-v"])  # run again, as cron does: the file is found unchanged
    assert res.exit_code == 0
    assert "unchanged styrgrupp.md" in log.read_text(encoding="utf-8")
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select status, count(*) from imports group by 1 order by 1").fetchall() == \
        [("imported", 1), ("unchanged", 1)]
    con.close()
    (inbox / "trasig.pdf").write_bytes(b"%PDF-1.4 trasig")
    res = runner.invoke(main, args)
    assert res.exit_code == 1 and "failed trasig.pdf" in log.read_text(encoding="utf-8")
