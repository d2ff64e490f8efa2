"""Workers that start with the rules loaded: an import's forkserver imports this module.

Loading what `process` needs on its first file (spaCy and its Swedish tokenizer, every
pattern set, the stemmer) takes about a second. An import starts its forkserver as soon as it
finds a file to read (pipeline/pool.py: worker_context), which imports this module and so
loads all of it once, while the importing process writes its log rows and hashes the next
files. Every worker is forked from the forkserver and starts with the rules in memory,
instead of each loading them before its first file. What only some documents need is left
for the worker that meets one: pdfplumber's table finder (merged table cells in a PDF).

Importing this module runs the warm-up; nothing else should import it.
"""
from __future__ import annotations

import logging
import sys
import types

log = logging.getLogger(__name__)

#: Short minutes that reach every rule, including a written-out deadline.
MINUTES = """# Protokoll Regionala samverkansrådet

Datum: 2024-03-12, kl. 09.00–12.00

Plats: Regionens hus

| Namn | Organisation | Roll |
|---|---|---|
| Anna Svensson | Region Värmland | ordförande |
| Per Olsson | Karlstads kommun | sekreterare |

§ 1 Uppföljning av handlingsplanen

Beslut: Rådet beslutade att godkänna uppföljningen.

Per Olsson får i uppdrag att ta fram en tidplan senast den 30 september 2024.
"""


def import_spacy() -> None:
    """Import spaCy without its command line: spaCy's package imports `spacy.cli` only to offer
    `spacy.info`, and that (typer, weasel, requests, httpx) is a third of importing spaCy.

    Stand-ins take `spacy.cli` and `spacy.cli.info` while spaCy imports and are removed after,
    so a later `import spacy.cli` gets the real one; `spacy.info` imports it when called.
    """
    if "spacy" in sys.modules:
        return
    cli, info = types.ModuleType("spacy.cli"), types.ModuleType("spacy.cli.info")

    def spacy_info(*args, **kwargs):
        from spacy.cli.info import info as real
        return real(*args, **kwargs)

    info.info, cli.info = spacy_info, info
    sys.modules.update({"spacy.cli": cli, "spacy.cli.info": info})
    try:
        import spacy  # noqa: F401
    finally:
        for name in ("spacy.cli", "spacy.cli.info"):
            if sys.modules.get(name) in (cli, info):
                del sys.modules[name]
        if getattr(sys.modules.get("spacy"), "cli", None) is cli:
            del sys.modules["spacy"].cli


def warm_up() -> None:
    """Apply every rule, and the indexing, to the short minutes above."""
    import_spacy()
    from minutes.extractors import registry  # noqa: F401  (the format backends and their libraries)
    from minutes.extractors.text import parse_text
    from minutes.rules import analyse
    from minutes.text.terms import terms

    doc = parse_text(MINUTES)
    analyse(doc, "uppvarmning.md")
    terms(MINUTES)


try:
    warm_up()
except Exception:  # the forkserver must start anyway; each worker then loads the rules on its first file
    log.warning("Loading the rules ahead of the workers failed; each worker loads them itself.", exc_info=True)
