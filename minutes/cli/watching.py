"""`minutes watch`: import files dropped into a folder, as they arrive (or once, from cron)."""
from __future__ import annotations

import logging
import signal
import sys

import click

from minutes.core.settings import Settings

from .base import db_option, main, settings


@main.command("watch")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@db_option
@click.option("--interval", default=Settings.watch_interval, show_default=True, type=click.FloatRange(0.1),
              envvar="MINUTES_WATCH_INTERVAL", show_envvar=True, help="Seconds between two looks at the folder.")
@click.option("--settle", default=Settings.watch_settle, show_default=True, type=click.FloatRange(0),
              envvar="MINUTES_WATCH_SETTLE", show_envvar=True,
              help="Seconds a file must stay the same size before it is imported (still being copied otherwise).")
@click.option("--once", is_flag=True, help="Look once, import what is complete, and exit (for cron).")
@click.option("-j", "--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Processes extracting files in parallel when several arrive at once.")
@click.option("--no-ocr", is_flag=True, help="Do not OCR scanned pages; files that need it are logged as failed.")
@click.option("--log", "log_file", type=click.Path(dir_okay=False), help="Also append the log to this file.")
@click.option("-v", "--verbose", is_flag=True, help="Also log files found unchanged.")
def watch_cmd(folder: str, db: str, interval: float, settle: float, once: bool, workers: int, no_ocr: bool,
              log_file: str | None, verbose: bool) -> None:
    """Import every file dropped into FOLDER (and its subfolders) into the warehouse, as it arrives.

    A file is imported once it has stopped changing for --settle seconds, so a file still
    being copied or saved waits; a file removed before it is read is forgotten. Files already
    imported and unchanged are skipped, so a restart costs a look at each file. Each line of the
    log says what happened to one file. Stop with Ctrl+C (or SIGTERM from systemd).

    \b
    Examples:
      minutes watch /srv/protokoll/inkommande --db /srv/minutes/minutes.duckdb
      minutes watch inkommande/ --once --log watch.log        # from cron, every 5 minutes
    """
    from minutes.pipeline.watch import Watcher

    _logging(log_file, verbose)
    chosen = settings(watch_interval=interval, watch_settle=settle)
    watcher = Watcher(folder, db, chosen, workers=workers, ocr=not no_ocr)
    if once:
        result = watcher.once()
        sys.exit(1 if result.failed else 0)
    signal.signal(signal.SIGTERM, lambda *_: watcher.stop.set())
    try:
        watcher.run()
    except KeyboardInterrupt:
        logging.getLogger("minutes.watch").info("stopped watching %s", folder)


def _logging(log_file: str | None, verbose: bool) -> None:
    """Lines a person can read: time, what happened, the file; on stderr and in --log."""
    fmt = logging.Formatter("%(asctime)s %(message)s", datefmt="%Y-%m-%d %H:%M:%S")
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    logger = logging.getLogger("minutes.watch")
    logger.handlers.clear()
    for h in handlers:
        h.setFormatter(fmt)
        logger.addHandler(h)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False
