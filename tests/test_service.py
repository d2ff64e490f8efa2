"""The import service: `minutes import` hands its work to a warm process and gets the same warehouse."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import MINUTES_MD, rows

MINUTES = str(Path(sys.executable).with_name("minutes"))


@pytest.fixture
def service_env(tmp_path):
    """An environment whose import service lives in a folder of this test; the service is stopped after."""
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), MINUTES_IMPORT_SERVICE="1", MINUTES_SERVICE_IDLE="60")
    yield env
    for pid_file in (runtime / "minutes").glob("import-*.pid"):
        try:
            os.kill(int(pid_file.read_text()), 15)
        except (OSError, ValueError):
            pass


def run(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([MINUTES, *args], env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_imports_through_the_service_store_what_an_import_here_stores(service_env, minutes_folder, tmp_path):
    via, here = tmp_path / "via.duckdb", tmp_path / "here.duckdb"
    res = run(service_env, "import", str(minutes_folder), "--db", str(via))
    assert res.returncode == 0, res.stderr
    assert list((Path(service_env["XDG_RUNTIME_DIR"]) / "minutes").glob("import-*.sock"))  # it stays for the next one
    assert run(dict(service_env, MINUTES_IMPORT_SERVICE="0"), "import", str(minutes_folder), "--db",
               str(here)).returncode == 0
    sql = "select file_name, meeting_date, body from documents order by 1"
    assert rows(via, sql) == rows(here, sql) and len(rows(via, sql)) == 2
    sql = "select text from decisions order by 1"
    assert rows(via, sql) == rows(here, sql)
    (minutes_folder / "ny.md").write_text(MINUTES_MD.replace("2025-02-04", "2025-06-01"), encoding="utf-8")
    t = time.perf_counter()
    res = run(service_env, "import", str(minutes_folder), "--db", str(via))  # the warm path
    assert res.returncode == 0 and "1 imported, 0 replaced, 2 unchanged" in res.stdout, res.stdout + res.stderr
    assert time.perf_counter() - t < 60
    res = run(dict(service_env, MINUTES_IMPORT_SERVICE="0"), "import", str(minutes_folder), "--db", str(via))
    assert res.returncode == 0, res.stderr  # right after, in another process: the warehouse is free
    assert not Path(str(via) + ".wal").exists()  # one file again, persons rebuilt, when the command returns
    assert rows(via, "select count(*) from persons") == rows(here, "select count(*) from persons") != [(0,)]


@pytest.mark.slow
def test_a_bad_warehouse_is_one_sentence_through_the_service(service_env, minutes_folder, tmp_path):
    res = run(service_env, "import", str(minutes_folder), "--db", f"{tmp_path}/saknas/w.duckdb")
    assert res.returncode == 1 and "does not exist" in res.stderr and "Traceback" not in res.stderr


@pytest.mark.slow
def test_the_service_exits_when_idle(service_env, minutes_folder, tmp_path):
    env = dict(service_env, MINUTES_SERVICE_IDLE="2")
    assert run(env, "import", str(minutes_folder), "--db", str(tmp_path / "w.duckdb")).returncode == 0
    folder = Path(env["XDG_RUNTIME_DIR"]) / "minutes"
    assert list(folder.glob("import-*.sock"))
    deadline = time.monotonic() + 60
    while list(folder.glob("import-*.sock")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not list(folder.glob("import-*"))


def test_the_service_folder_is_private(tmp_path, monkeypatch):
    from minutes.pipeline.service import folder

    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert folder() == tmp_path / "minutes" and (os.stat(tmp_path / "minutes").st_mode & 0o777) == 0o700
    os.chmod(tmp_path / "minutes", 0o755)
    with pytest.raises(OSError):
        folder()
