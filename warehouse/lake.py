"""The warehouse as a lake: DuckLake tables (a catalog plus Parquet data) that many processes write at once.

A lake is named like a warehouse file, with a `ducklake:` prefix: `ducklake:postgres:dbname=minutes
host=db.example` (a PostgreSQL catalog, for many machines), `ducklake:sqlite:/data/minutes.sqlite`
(several processes of one machine) or `ducklake:/data/minutes.ducklake` (one process at a time).
Its data lives in a folder or under `s3://bucket/prefix`, chosen when the lake is created
(`Settings.lake_data`). Every commit is a snapshot: readers see whole batches, and a reader
pinned to the last published snapshot sees whole imports. The lake has the warehouse's
schema and public views (docs/warehouse-contract.md), with the differences DuckLake needs
(`LAKE_DDL`); docs/scaling.md says when to use it.
"""
from __future__ import annotations

import datetime as dt
import logging
from importlib import resources
from urllib.parse import urlparse

import duckdb

from minutes.core.settings import Settings

from .errors import WarehouseError
from .extensions import offline_connect

log = logging.getLogger(__name__)

PREFIX = "ducklake:"
ALIAS = "lake"
#: The commit message that marks the last snapshot of a finished import: readers pin to it.
PUBLISHED = "published: "


def is_lake(db: object) -> bool:
    """Whether a --db value names a lake rather than a DuckDB file."""
    return str(db).startswith(PREFIX)


def _catalog(db: str) -> str:
    """The catalog part of a lake name; a bare libpq string is taken as PostgreSQL's."""
    catalog = db[len(PREFIX):]
    if not catalog.startswith(("postgres:", "sqlite:")) and ("dbname=" in catalog or "host=" in catalog):
        catalog = "postgres:" + catalog
    return catalog


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def storage_options(settings: Settings) -> dict:
    """fsspec/s3fs options for s3:// paths from the settings (empty: s3fs finds credentials itself)."""
    opts: dict = {}
    if settings.s3_key_id:
        opts.update(key=settings.s3_key_id, secret=settings.s3_secret)
    client = {k: v for k, v in (("endpoint_url", settings.s3_endpoint), ("region_name", settings.s3_region)) if v}
    if client:
        opts["client_kwargs"] = client
    return opts


def _s3_secret(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Give DuckDB the S3 credentials and endpoint of the settings, for lake data on s3://."""
    parts = ["TYPE s3", f"KEY_ID {_quote(settings.s3_key_id or '')}", f"SECRET {_quote(settings.s3_secret or '')}"]
    if settings.s3_region:
        parts.append(f"REGION {_quote(settings.s3_region)}")
    if settings.s3_endpoint:
        url = urlparse(settings.s3_endpoint if "//" in settings.s3_endpoint else "http://" + settings.s3_endpoint)
        parts += [f"ENDPOINT {_quote(url.netloc)}", "URL_STYLE 'path'",
                  f"USE_SSL {'true' if url.scheme == 'https' else 'false'}"]
    con.execute(f"CREATE OR REPLACE SECRET minutes_s3 ({', '.join(parts)})")


def open_lake(db: str, settings: Settings = Settings(), *, read_only: bool = False, snapshot: int | None = None,
              threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """A connection with the lake attached as `lake` and in use, so `core.documents` is the lake's table.

    A new lake is created with its data at `settings.lake_data` (a file catalog's default is a
    folder beside it); `snapshot` pins a reader to one snapshot.
    """
    con = offline_connect(threads)
    try:
        catalog = _catalog(db)
        if catalog.startswith("sqlite:"):
            con.execute("LOAD sqlite")
        if settings.s3_key_id:
            _s3_secret(con, settings)
        opts = ["READ_ONLY"] if read_only else []
        if snapshot is not None:
            opts.append(f"SNAPSHOT_VERSION {int(snapshot)}")
        _attach(con, catalog, opts, settings.lake_data, db)
        con.execute(f"USE {ALIAS}")
        return con
    except BaseException:
        con.close()
        raise


def _attach(con: duckdb.DuckDBPyConnection, catalog: str, opts: list[str], data: str | None, db: str) -> None:
    """ATTACH the catalog; the data path is given only to a new lake (an existing one keeps its own)."""
    def attach(extra: list[str]) -> None:
        every = opts + extra
        con.execute(f"ATTACH {_quote('ducklake:' + catalog)} AS {ALIAS}" + (f" ({', '.join(every)})" if every else ""))

    try:
        attach([])
        return
    except duckdb.Error as e:
        first = str(e).splitlines()[0]
        if "data_path is not set" not in first:
            raise WarehouseError(f"Cannot open the lake {db}: {first}") from e
    if "READ_ONLY" in opts:
        raise WarehouseError(f"The lake {db} is empty; run `minutes import PATH --db '{db}'` first.")
    if not data:
        if catalog.startswith("postgres:"):
            raise WarehouseError(f"The lake {db} is new; say where its data goes with --lake-data (a folder every "
                                 "machine sees, or s3://bucket/prefix).")
        data = catalog.removeprefix("sqlite:") + ".files"
    data = data if data.endswith("/") else data + "/"
    try:
        attach([f"DATA_PATH {_quote(data)}"])
    except duckdb.Error as e:
        raise WarehouseError(f"Cannot create the lake {db} with its data at {data}: {str(e).splitlines()[0]}") from e


def data_path(con: duckdb.DuckDBPyConnection) -> str:
    """Where the lake keeps its Parquet files."""
    return con.execute(f"SELECT value FROM ducklake_options('{ALIAS}') WHERE option_name = 'data_path'").fetchone()[0]


# Schema -------------------------------------------------------------------------------------

#: What the lake has beyond the warehouse's migrations: how each run ended, and the work that
#: derived tables (persons, follow-ups, exports) still owe, written by the workers with their documents.
LAKE_DDL = """
ALTER TABLE core.runs ADD COLUMN IF NOT EXISTS status VARCHAR;
ALTER TABLE core.documents ADD COLUMN IF NOT EXISTS worker VARCHAR;
CREATE TABLE IF NOT EXISTS core.derived_todo (run_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, key VARCHAR NOT NULL);
"""


def lake_sql(sql: str) -> str:
    """A migration as DuckLake takes it: literal defaults only, no key constraints, 64-bit hashed term ids."""
    return (sql.replace("DEFAULT false", "DEFAULT 'false'").replace(" PRIMARY KEY", " NOT NULL")
            .replace("term_id     INTEGER", "term_id     UBIGINT"))


def migrate(con: duckdb.DuckDBPyConnection, db: str) -> int:
    """Bring the lake's schema to this minutes' version and (re)create its views; returns the version.

    Run by the importing client before any worker writes: a schema change while workers insert
    would make their commits conflict.
    """
    from .store import SCHEMA_VERSION, migrations

    con.execute("CREATE SCHEMA IF NOT EXISTS core")
    con.execute("CREATE TABLE IF NOT EXISTS core.schema_version (version INTEGER, name VARCHAR, applied_at TIMESTAMP)")
    current = con.execute("SELECT max(version) FROM core.schema_version").fetchone()[0] or 0
    if current > SCHEMA_VERSION:
        raise WarehouseError(f"The lake {db} has schema version {current}, newer than this minutes "
                             f"({SCHEMA_VERSION}); upgrade minutes to use it.")
    if current == SCHEMA_VERSION:
        return current
    if current:
        raise WarehouseError(f"The lake {db} has schema version {current}; this minutes ({SCHEMA_VERSION}) "
                             "upgrades DuckDB files in place but not lakes yet: import into a new lake.")
    con.begin()
    try:
        for version, name, sql in migrations():
            con.execute(lake_sql(sql))
            con.execute("INSERT INTO core.schema_version VALUES (?, ?, ?)", [version, name, dt.datetime.now()])
        con.execute(LAKE_DDL)
        con.execute(resources.files("minutes.warehouse").joinpath("views.sql").read_text(encoding="utf-8"))
        con.commit()
    except Exception:
        con.rollback()
        raise
    return SCHEMA_VERSION


# Reading ------------------------------------------------------------------------------------

def published_snapshot(con: duckdb.DuckDBPyConnection) -> int | None:
    """The last snapshot that ended an import, or None when no import has finished yet."""
    return con.execute(f"SELECT max(snapshot_id) FROM ducklake_snapshots('{ALIAS}') "
                       f"WHERE starts_with(commit_message, '{PUBLISHED}')").fetchone()[0]


def reader(db: str, settings: Settings = Settings(), sandbox: bool = True,
           con: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the lake as the last finished import left it (`settings.lake_latest`:
    as the last committed batch left it, also of an import still running).

    `sandbox` locks it down for analysts' SQL (or the caller does, warehouse/limits.py): only the
    lake's own files can be read. `con`, a connection from `offline_connect` without a lake attached, is used instead of a new one.
    """
    from .store import lock_down

    if con is None:
        con = open_lake(db, settings, read_only=True)
    else:
        _attach(con, _catalog(db), ["READ_ONLY"], None, db)
        con.execute(f"USE {ALIAS}")
    snapshot = None if settings.lake_latest else published_snapshot(con)
    if snapshot is not None:  # attached again at that snapshot, in the same DuckDB with its extensions loaded
        con.execute(f"USE memory; DETACH {ALIAS}")
        _attach(con, _catalog(db), ["READ_ONLY", f"SNAPSHOT_VERSION {int(snapshot)}"], None, db)
        con.execute(f"USE {ALIAS}")
    con.execute("SET allowed_directories = ?", [[data_path(con)]])  # readable once the connection is locked down
    return lock_down(con) if sandbox else con
