"""`minutes serve`: the staff web site over a warehouse."""
from __future__ import annotations

import os

import click

from .base import db_option, main, parse_date, settings


@main.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default serves this computer only. Use 0.0.0.0 to serve the network.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--today", metavar="DATE", help="Count deadlines from this day instead of today (2025-03-15, 15/3).")
def serve_cmd(db: str, host: str, port: int, today: str | None) -> None:
    """Serve a small read-only web site over the warehouse: search, Uppdrag, Beslut, documents.

    Staff search decisions and assignments, list a person's tasks (with a CSV download), see
    decisions over time, and open each document and the original file at the right page. The
    site never writes to the warehouse and keeps working while an import runs.

    \b
    Examples:
      minutes serve
      minutes serve --db region.duckdb --port 8080
    """
    import uvicorn

    from minutes.web import create_app

    if not os.path.exists(db):
        raise click.ClickException(f"No warehouse at {db}; run `minutes import PATH --db {db}` first.")
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"Warning: serving on {host}: anyone who can reach this machine can read the warehouse.", err=True)
    click.echo(f"Serving {db} on http://{host}:{port}/ (Ctrl+C stops)")
    uvicorn.run(create_app(db, parse_date(today), settings()), host=host, port=port, log_level="warning")
