"""DuckDB's lake extensions (ducklake, postgres, httpfs, sqlite) from the installed `duckdb-ext-*` wheels.

Each wheel holds one official, signed extension file laid out as DuckDB's own extension folder
(`duckdb_ext/extensions/v1.4.4/linux_amd64/ducklake.duckdb_extension`). A connection made here
points DuckDB at that folder with auto-install off, so extensions load by name and nothing is
ever downloaded at run time. `pip install 'minutes[lake]'` installs the wheels.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import metadata
from pathlib import Path

import duckdb

from .errors import WarehouseError

#: The pip distribution that carries each extension.
WHEELS = {"ducklake": "duckdb-ext-ducklake", "postgres": "duckdb-ext-postgres", "httpfs": "duckdb-ext-httpfs",
          "sqlite": "duckdb-ext-sqlite"}


@lru_cache(maxsize=None)
def extension_file(name: str) -> Path:
    """The extension file of `name` in its wheel, built for this DuckDB version and platform."""
    dist_name = WHEELS.get(name, f"duckdb-ext-{name}")
    platform = duckdb.execute("PRAGMA platform").fetchone()[0]
    want = f"v{duckdb.__version__}/{platform}/"
    try:
        dist = metadata.distribution(dist_name)
    except metadata.PackageNotFoundError:
        raise WarehouseError(f"The lake needs DuckDB's {name} extension; install it with "
                             f"`pip install 'minutes[lake]'`.") from None
    for f in dist.files or ():
        path = str(f).replace("\\", "/")
        if path.endswith(".duckdb_extension") and want in path:
            found = Path(dist.locate_file(f)).resolve()
            if found.is_file():
                return found
    raise WarehouseError(f"{dist_name} {dist.version} has no extension for DuckDB {duckdb.__version__} on "
                         f"{platform}; install the versions `pip install 'minutes[lake]'` pins.")


def extension_dir() -> Path:
    """The folder to give DuckDB as its extension_directory (…/duckdb_ext/extensions)."""
    return extension_file("ducklake").parents[2]


def offline_connect(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that finds the lake extensions in the wheels and never downloads one."""
    config: dict = {"extension_directory": str(extension_dir()), "autoinstall_known_extensions": False}
    if threads:
        config["threads"] = threads
    con = duckdb.connect(":memory:", config=config)
    con.execute("SET enable_progress_bar = false")  # a connection option: long queries would draw on stdout
    return con
