"""`minutes sql` runs within a time limit, a memory limit and a temp folder of its own (issue 22)."""
from __future__ import annotations

import os
import time

import pytest
from conftest import MINUTES_MD

from minutes.cli import main


@pytest.fixture
def db(import_docs):
    return import_docs({"styrgrupp.md": MINUTES_MD})


def test_a_query_stops_at_its_time_limit(runner, db):
    t0 = time.monotonic()
    res = runner.invoke(main, ["sql", "select count(*) from range(100000000000) a, range(10) b", "--db", str(db),
                               "--query-timeout", "0.5"])
    assert res.exit_code == 1 and "longer than 0.5 s" in res.output and "Traceback" not in res.output
    assert time.monotonic() - t0 < 10


def test_the_time_limit_reads_its_envvar(runner, db, monkeypatch):
    monkeypatch.setenv("MINUTES_QUERY_TIMEOUT", "0.5")
    res = runner.invoke(main, ["sql", "select count(*) from range(100000000000) a, range(10) b", "--db", str(db)])
    assert res.exit_code == 1 and "longer than 0.5 s" in res.output


def test_a_query_stops_at_its_memory_limit(runner, db):
    res = runner.invoke(main, ["sql", "select length(string_agg(repeat('x', 1000), ',')) from range(2000000)",
                               "--db", str(db), "--query-memory", "100MB"])
    assert res.exit_code == 1 and "more memory than its limit (100MB)" in res.output


def test_a_bad_size_is_refused_before_anything_runs(runner, db):
    res = runner.invoke(main, ["sql", "select 1", "--db", str(db), "--query-memory", "lots"])
    assert res.exit_code == 2 and "write it like 2GB" in res.output


def test_the_temp_folder_is_private_and_gone_afterwards(runner, db, tmp_path):
    res = runner.invoke(main, ["sql", "select current_setting('temp_directory') as t", "--db", str(db), "-f", "csv"])
    assert res.exit_code == 0, res.output
    temp = res.output.splitlines()[1]
    assert temp != f"{db}.tmp" and "minutes-query-" in temp and not os.path.exists(temp)
    for query in (f"COPY (select 42) TO '{temp}/x.csv'", f"COPY (select 42) TO '{db}.tmp/x.csv'",
                  "select * from read_text('/etc/passwd')", "SET memory_limit = '100GB'"):
        res = runner.invoke(main, ["sql", query, "--db", str(db)])
        assert res.exit_code == 1 and "only reads the warehouse" in res.output, query
        assert "root:" not in res.output
    assert not os.path.exists(f"{db}.tmp/x.csv")
