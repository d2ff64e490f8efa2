"""Any analyst can open the warehouse: DuckDB 1.4 LTS and the newest DuckDB read the demo warehouse.

Each DuckDB is installed into an environment of its own (a venv made here, holding nothing but
that DuckDB), as an analyst's Jupyter or DBeaver set-up would be, and reads every view of the
contract read-only; the counts must be those minutes' own DuckDB reads.
"""
from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pytest

from minutes.core.tables import public_views

READ_EVERY_VIEW = """
import duckdb, json, sys
con = duckdb.connect(sys.argv[1], read_only=True)
print(json.dumps({"version": duckdb.__version__,
                  "rows": {v: con.execute(f"select count(*) from {v}").fetchone()[0] for v in sys.argv[2:]}}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("requirement,version", [("duckdb==1.4.*", "1.4."), ("duckdb", "")],
                         ids=["1.4 LTS", "newest"])
def test_the_demo_warehouse_opens_in_another_duckdb(demo_db, tmp_path, requirement, version):
    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True, timeout=300)
    subprocess.run([str(env / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", requirement],
                   check=True, timeout=900)
    res = subprocess.run([str(env / "bin" / "python"), "-c", READ_EVERY_VIEW, str(demo_db), *public_views()],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    found = json.loads(res.stdout)
    assert found["version"].startswith(version)
    con = duckdb.connect(str(demo_db), read_only=True)
    ours = {v: con.execute(f"select count(*) from {v}").fetchone()[0] for v in public_views()}
    assert found["rows"] == ours and ours["decisions"] > 0
    print(f"DuckDB {found['version']} read all {len(ours)} views")
