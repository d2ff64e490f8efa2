"""Judging what an import did with a hostile file: pure functions of its `imports` rows."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

#: Words an error sentence uses when it names the limit a file broke.
_LIMIT_RE = re.compile(
    r"took longer|--timeout|\btime ?limit|\blimit|too (large|big|long|many|deep|wide)|more than|larger than|"
    r"exceed|\bMB\b|\bGB\b|\bKB\b|bytes|pages?\b.*(allowed|most)|memory|nest|gräns|för stor|not a regular file|"
    r"special file|device|fifo|pipe|outside|symlink|link", re.I)
#: The importer's catch-all for exceptions nobody foresaw: not a limit, a crash turned into a row.
_GENERIC_RE = re.compile(r"could not be processed \(|please report", re.I)


def one_sentence(error: str | None) -> bool:
    """One line, no traceback, ends like a sentence."""
    return bool(error) and "\n" not in error and "Traceback" not in error and error.rstrip().endswith((".", "!"))


def names_limit(error: str | None) -> bool:
    """The error says which limit the file broke (not the generic 'please report this file')."""
    return bool(error) and not _GENERIC_RE.search(error) and bool(_LIMIT_RE.search(error))


def short(text: str | None, n: int = 150) -> str:
    if text is None:
        return "-"
    text = str(text).replace("\n", "\\n").replace("\x1b", "\\e")
    return text if len(text) <= n else text[: n - 1] + "…"


@dataclass
class Verdict:
    ok: bool
    detail: str


def judge_file_rows(rows: list[dict], *, accept: tuple[str, ...], need_limit: bool, budget_s: float | None,
                    doc_timeout: float | None) -> Verdict:
    """Judge the imports rows of one hostile file from one run.

    accept: statuses that count as surviving ("imported", "failed", "absent" = no row at all).
    need_limit: a failed row must name the limit it broke. budget_s: most seconds it may take.
    A file stopped only by the blanket --timeout is not a survivor: the real default (1800 s)
    would stall the import for half an hour per file, on every run.
    """
    if not rows:
        return Verdict("absent" in accept, "no imports row" + ("" if "absent" in accept else " (file silently skipped)"))
    if len(rows) > 1:
        return Verdict(False, f"{len(rows)} imports rows for one file in one run: "
                              + ", ".join(r["status"] for r in rows))
    r = rows[0]
    status, err, secs = r["status"], r.get("error"), r.get("seconds")
    tail = f" ({secs:.1f} s)" if isinstance(secs, (int, float)) else ""
    if status == "failed":
        if "failed" not in accept:
            return Verdict(False, f"failed: {short(err)}{tail}")
        if not one_sentence(err):
            return Verdict(False, f"failed without one sentence: {short(err)}{tail}")
        if doc_timeout and isinstance(secs, (int, float)) and secs >= 0.9 * doc_timeout and (
                "--timeout" in (err or "") or "took longer" in (err or "")):
            return Verdict(False, f"stopped only by --timeout after {secs:.0f} s: {short(err, 90)}")
        if need_limit and not names_limit(err):
            return Verdict(False, f"failed, no limit named: {short(err)}{tail}")
    elif status not in accept:
        return Verdict(False, f"{status}{tail}, expected {'/'.join(accept)}" + (f"; note {short(r.get('note'), 80)}" if r.get("note") else ""))
    if budget_s is not None and isinstance(secs, (int, float)) and secs > budget_s:
        return Verdict(False, f"{status} after {secs:.1f} s (budget {budget_s:g} s): {short(err, 90)}")
    return Verdict(True, f"{status}: {short(err or r.get('note') or '')}{tail}")


def same_path(stored: str, paths: list[Path]) -> bool:
    """A stored source_path names one of `paths`: as given, or with bytes that are not UTF-8 written as
    \\xNN (minutes), as surrogates or as a replacement character."""
    s = str(stored)
    for p in paths:
        ps = str(p)
        if s == ps or os.path.abspath(s) == os.path.abspath(ps):
            return True
        raw = os.fsencode(ps)
        try:
            if s.encode("utf-8", "surrogateescape") == raw:
                return True
        except UnicodeError:
            pass
        if re.sub(rb"\\x([0-9a-f]{2})", lambda m: bytes([int(m.group(1), 16)]), s.encode("utf-8", "replace")) == raw:
            return True
        if "\ufffd" in s and s == raw.decode("utf-8", "replace"):
            return True
    return False
