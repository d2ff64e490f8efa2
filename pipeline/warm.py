"""Workers that start with the rules loaded: a `-j N` import's forkserver imports this module.

Loading what `process` needs on its first file (spaCy and its Swedish tokenizer, every
pattern set, the stemmer) takes about a second. A parallel import
starts its forkserver first thing (pipeline/importer.py), which imports this module and so
loads all of it once, while the importing process opens the warehouse and lists the files.
Every worker is forked from the forkserver and starts with the rules in memory, instead of
each loading them before its first file.

Importing this module runs the warm-up; nothing else should import it.
"""
from __future__ import annotations

import logging

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


def warm_up() -> None:
    """Apply every rule, and the indexing, to the short minutes above."""
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
