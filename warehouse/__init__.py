"""The DuckDB warehouse: schema, migrations, loading, and read-only queries.

The public SQL interface is the set of views described in docs/warehouse-contract.md.
"""
from .store import SCHEMA_VERSION, DocumentRecord, Warehouse, WarehouseError, connect

__all__ = ["SCHEMA_VERSION", "DocumentRecord", "Warehouse", "WarehouseError", "connect"]
