"""`minutes serve`: the staff web site over a warehouse."""
from __future__ import annotations

import os

import click

from minutes.core.settings import Settings

from .base import db_option, main, parse_date, query_limit_options, settings


@main.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default serves this computer only. Use 0.0.0.0 to serve the network.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--today", metavar="DATE", help="Count deadlines from this day instead of today (2025-03-15, 15/3).")
@click.option("--trusted-host", "trusted_hosts", multiple=True, envvar="MINUTES_TRUSTED_HOSTS", show_envvar=True,
              metavar="NAME", help="Another host name the site answers to (a DNS alias in front of it); repeatable.")
@click.option("--workers", "web_workers", default=Settings.web_workers, show_default=True, type=click.IntRange(1, 64),
              envvar="MINUTES_WEB_WORKERS", show_envvar=True,
              help="Requests reading the warehouse at once; the others wait their turn, pages and files keep coming.")
@click.option("--edit", "edit_rows", is_flag=True,
              help="Let this computer correct rows from the pages (only with the default --host 127.0.0.1).")
@query_limit_options
def serve_cmd(db: str, host: str, port: int, today: str | None, trusted_hosts: tuple[str, ...], web_workers: int,
              edit_rows: bool, query_timeout: float, query_memory: str, query_temp: str) -> None:
    """Serve a small web site over the warehouse: start page, search, Uppdrag, Beslut, Organ, documents.

    Staff search decisions and assignments, list a person's tasks (with a CSV download), see
    decisions over time, and open each document and the original file at the right page; they
    subscribe to deadlines (iCalendar) and new decisions (Atom). The site never writes to the
    warehouse, unless started with --edit, and keeps working while an import runs.

    \b
    Examples:
      minutes serve
      minutes serve --db region.duckdb --port 8080
      minutes serve --edit                              # correct rows from the pages, on this computer
      minutes serve --host 0.0.0.0 --trusted-host protokoll.kommun.se
    """
    import uvicorn

    from minutes.web import create_app

    if not os.path.exists(db) and not db.startswith("ducklake:"):
        raise click.ClickException(f"No warehouse at {db}; run `minutes import PATH --db {db}` first.")
    local = host in ("127.0.0.1", "localhost", "::1")
    if edit_rows and not local:
        raise click.ClickException("--edit works only on this computer; leave out --host (or use 127.0.0.1).")
    if not local:
        click.echo(f"Warning: serving on {host}: anyone who can reach this machine can read the warehouse.", err=True)
    chosen = settings(trusted_hosts=trusted_hosts, web_workers=web_workers, query_timeout=query_timeout,
                      query_memory=query_memory, query_temp=query_temp)
    click.echo(f"Serving {db} on http://{host}:{port}/{' with corrections on' if edit_rows else ''} (Ctrl+C stops)")
    uvicorn.run(create_app(db, parse_date(today), chosen, edit_rows=edit_rows, host=host), host=host, port=port,
                log_level="warning")
