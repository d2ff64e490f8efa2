"""Python work that follows a migration on a warehouse made by an older minutes: values new columns need."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from minutes.core.tables import BY_NAME, TABLES

from .rows import key_of, row_keys

if TYPE_CHECKING:
    from .store import Warehouse

log = logging.getLogger(__name__)


def search_and_persons(wh: Warehouse) -> None:
    """After the upgrade to schema 2: index the stored texts and link persons, as new imports do."""
    from .persons import rebuild
    from .search import index_documents

    log.info("indexing existing documents for search")
    index_documents(wh)
    rebuild(wh)


def keys(wh: Warehouse) -> None:
    """After the upgrade to schema 4: compute every *_key column of the stored rows."""
    from .persons import rebuild

    log.info("computing comparison keys of stored rows")
    _compute_keys(wh, TABLES)
    rebuild(wh)


def case_keys(wh: Warehouse) -> None:
    """After the upgrade to schema 5: the diarienummer keys of stored sections (follow-ups come at the next import)."""
    _compute_keys(wh, [BY_NAME["sections"]])


def _compute_keys(wh: Warehouse, tables) -> None:
    """Fill the *_key columns of the stored rows of `tables` (tables.Table.keys)."""
    for table in tables:
        for key_column, source in table.keys:
            found = [v for (v,) in wh.con.execute(
                f"SELECT DISTINCT {source} FROM core.{table.name} WHERE {source} IS NOT NULL").fetchall()]
            if found:
                wh.con.execute("CREATE OR REPLACE TEMP TABLE _keys AS SELECT unnest(?) AS v, unnest(?) AS k",
                               [found, [key_of(v) for v in found]])
                wh.con.execute(f"UPDATE core.{table.name} SET {key_column} = _keys.k FROM _keys "
                               f"WHERE core.{table.name}.{source} = _keys.v")


def row_keys_of_rows(wh: Warehouse) -> None:
    """After the upgrade to schema 6: the content key of every stored row that corrections are keyed on."""
    log.info("computing row keys of stored rows")
    for table in TABLES:
        if table.identity:
            cur = wh.con.execute(f"SELECT {table.id_column}, document_id, {', '.join(table.identity)} "
                                 f"FROM core.{table.name} ORDER BY document_id, {table.id_column}")
            names = [d[0] for d in cur.description]
            rows = [dict(zip(names, r)) for r in cur.fetchall()]
            if rows:
                wh.con.execute("CREATE OR REPLACE TEMP TABLE _row_keys AS SELECT unnest(?) AS id, unnest(?) AS k",
                               [[r[table.id_column] for r in rows], row_keys(rows, table.identity)])
                wh.con.execute(f"UPDATE core.{table.name} SET row_key = _row_keys.k FROM _row_keys "
                               f"WHERE core.{table.name}.{table.id_column} = _row_keys.id")


#: Python work that follows a migration: (schema version, function).
BACKFILLS = ((2, search_and_persons), (4, keys), (5, case_keys), (6, row_keys_of_rows))
