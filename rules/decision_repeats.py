"""Repeated decisions: one row per decision within an agenda item (a draft and its clean copy merge)."""
from __future__ import annotations

from minutes.core.document import Block
from minutes.core.records import Decision

from .sections import split_number
from .text import same_word_sets, word_set


def agenda_items(blocks: list[Block], block_section: list[int | None]) -> dict[int | None, int | None]:
    """For each section, the numbered agenda item it is in ('§ 4', '2.'), or None outside numbered items.

    A heading without a number below a numbered one ('Beslut' under '§ 4') is part of that item; one
    at the same level or above ('Ren kopia') ends it.
    """
    items: dict[int | None, int | None] = {None: None}
    item, item_level = None, 0
    for idx, b in enumerate(blocks):
        sec = block_section[idx]
        if sec is None or sec in items:
            continue
        level = b.level if b.kind == "heading" else 9
        if split_number(b.text)[0] is not None:
            item, item_level = sec, level
        elif item is not None and level <= item_level:
            item = None
        items[sec] = item
    return items


def merge_repeats(decisions: list[Decision], items: dict[int | None, int | None] | None = None) -> list[Decision]:
    """One row per decision: a repeat (same words, or the same numbered position reworded) merges.

    Repeats are the same words up to typos (`same_words`), or the same list number with most
    words shared, within one agenda item: "Informationen noteras." under two items is two
    decisions. The later wording is kept (a clean copy usually follows a draft); the first position
    stays.
    """
    kept: list[Decision] = []
    sets: list[frozenset[str]] = []
    for d in decisions:
        ds = word_set(d.text)
        twin = None
        for i, k in enumerate(kept):
            ks = sets[i]
            if items is not None and items.get(k.section) != items.get(d.section):
                continue  # the same words under two agenda items are two decisions
            if k.number is not None and k.number == d.number:
                repeat = len(ks & ds) >= 0.6 * len(ks | ds) > 0  # the same position, most words shared
            else:
                repeat = same_word_sets(ks, ds)  # tests the shared words first: most pairs share few
            if repeat:
                twin = i
                break
        if twin is None:
            kept.append(d)
            sets.append(ds)
        else:
            k = kept[twin]
            k.text, k.source, k.page = d.text, d.source, d.page
            sets[twin] = ds
    for n, d in enumerate(kept, start=1):
        d.ordinal = n
    return kept
