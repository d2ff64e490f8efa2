"""The `minutes` group, its shared options, and the `Settings` each command builds from them."""
from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Iterator

import click

from minutes.core.settings import Settings

from .output import FORMATS

if TYPE_CHECKING:
    import duckdb

db_option = click.option(
    "--db", "db", default="minutes.duckdb", envvar="MINUTES_DB", show_default=True, show_envvar=True,
    metavar="FILE|LAKE", help="The warehouse file (DuckDB), or a lake: ducklake:postgres:<libpq>, "
                              "ducklake:sqlite:FILE or ducklake:FILE (docs/scaling.md).")
format_option = click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="table",
                             show_default=True, help="Output format.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="minutes")
@click.option("--lock-wait", type=click.FloatRange(0), default=Settings.lock_wait, envvar="MINUTES_LOCK_WAIT",
              show_default=True, show_envvar=True,
              help="Seconds to wait for a warehouse another process holds (an import writing a batch).")
@click.option("--lake-latest", is_flag=True, envvar="MINUTES_LAKE_LATEST",
              help="Read a lake as its last committed batch left it, not as the last finished import did.")
@click.option("--s3-endpoint", envvar="AWS_ENDPOINT_URL", show_envvar=True, metavar="URL",
              help="An S3-compatible server for s3:// inputs and lake data (default: AWS).")
@click.option("--s3-region", envvar="AWS_DEFAULT_REGION", show_envvar=True, help="The S3 region.")
@click.option("--s3-key-id", envvar="AWS_ACCESS_KEY_ID", show_envvar=True, help="The S3 access key id.")
@click.option("--s3-secret", envvar="AWS_SECRET_ACCESS_KEY", show_envvar=True,
              help="The S3 secret key (better given in the environment than on the command line).")
@click.pass_context
def main(ctx: click.Context, lock_wait: float, lake_latest: bool, s3_endpoint: str | None, s3_region: str | None,
         s3_key_id: str | None, s3_secret: str | None) -> None:
    """minutes: Swedish meeting minutes (PDF, Word, text, scans) into a DuckDB warehouse you can query.

    \b
    Start with:
      minutes import protokoll/ --db minutes.duckdb
      minutes sql "select body, meeting_date, text from decisions join documents using (document_id)"
    """
    ctx.obj = Settings(lock_wait=lock_wait, lake_latest=lake_latest, s3_endpoint=s3_endpoint, s3_region=s3_region,
                       s3_key_id=s3_key_id, s3_secret=s3_secret)


def _size(ctx, param, value: str) -> str:
    """A memory or disk size as DuckDB takes it: 2GB, 500MB."""
    if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", value.strip(), flags=re.IGNORECASE):
        raise click.BadParameter(f"{value!r} is not a size; write it like 2GB or 500MB.")
    return value.strip()


def query_limit_options(fn):
    """--query-timeout, --query-memory and --query-temp: the limits of each read query (sql, serve)."""
    fn = click.option("--query-temp", default=Settings.query_temp, show_default=True, envvar="MINUTES_QUERY_TEMP",
                      show_envvar=True, callback=_size,
                      help="The most one query may spill to its private temp folder.")(fn)
    fn = click.option("--query-memory", default=Settings.query_memory, show_default=True,
                      envvar="MINUTES_QUERY_MEMORY", show_envvar=True, callback=_size,
                      help="The most memory one query may use (DuckDB's memory_limit).")(fn)
    return click.option("--query-timeout", default=Settings.query_timeout, show_default=True,
                        type=click.FloatRange(0), envvar="MINUTES_QUERY_TIMEOUT", show_envvar=True,
                        help="Seconds one query may run before it is stopped (0: no limit).")(fn)


def settings(**changes) -> Settings:
    """The command's Settings: the group's, with this command's options applied."""
    base = click.get_current_context().find_object(Settings) or Settings()
    return replace(base, **changes)


def parse_date(value: str | None) -> dt.date | None:
    """A date option as a Swede writes it: 2025-03-15, 2025-3-15, 15/3 (this year), 15/3 2025, 15 mars 2025."""
    if value is None:
        return None
    wrong = click.BadParameter(f"{value!r} is not a date; write it as 2025-03-15, 15/3/2025 or 15 mars 2025.")
    iso = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*", value)
    if iso:
        try:
            return dt.date(*map(int, iso.groups()))
        except ValueError:
            raise wrong from None
    numeric = re.fullmatch(r"\s*(\d{1,2})\s*[/.]\s*(\d{1,2})(?:\s*[/. ]\s*(\d{4}))?\s*", value)
    written = re.fullmatch(r"\s*(\d{1,2})\s+([^\W\d_]+)\.?(?:\s+(\d{4}))?\s*", value)
    if numeric:
        day, month, year = int(numeric[1]), int(numeric[2]), numeric[3]
    elif written:
        from minutes.rules.lexicon import lexicon  # the month names of the language pack
        from minutes.text import fold

        day, month, year = int(written[1]), lexicon().month_of.get(fold(written[2])), written[3]
    else:
        raise wrong
    try:
        return dt.date(int(year) if year else dt.date.today().year, month or 0, day)
    except ValueError:
        raise wrong from None


@contextlib.contextmanager
def reading(db: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the warehouse for one command; its errors become one sentence for the user."""
    from minutes.warehouse import WarehouseError
    from minutes.warehouse.query import read_only

    try:
        con = read_only(db, settings())
    except WarehouseError as e:
        raise click.ClickException(str(e))
    try:
        yield con
    except WarehouseError as e:
        raise click.ClickException(str(e))
    finally:
        con.close()
