"""The document's own structure: agenda items and their headings."""
from __future__ import annotations

import re

from minutes.core.document import Document
from minutes.core.records import Section

from .lexicon import pattern
from .text import sentences

#: a body's short name before a paragraph sign: "TN § 45", "Sn § 49", "KS § 12"
_BODY = r"(?:[{UPPER}][{UPPER}{LOWER}]{0,5}\s+(?=§))?"
_NUMBER = pattern(r"^\s*" + _BODY + r"(§\s*\d+[a-z]?|\d{1,2}(?:\.\d{1,2})*[a-z]?)(?:[.):]|\s)\s*(.*)$")
_PARAGRAPH_SIGN = pattern(r"^\s*" + _BODY + r"(§\s*\d+[a-z]?)\s*(.*)$")


def split_number(title: str) -> tuple[str | None, str]:
    """'1. Inledning' -> ('1', 'Inledning'); '§ 45 Budget' and 'TN § 45 Budget' -> ('§ 45', 'Budget')."""
    m = _NUMBER.match(title)
    if m and m.group(2).strip():
        number = re.sub(r"§\s*", "§ ", m.group(1))
        return number, m.group(2).strip()
    return None, title.strip()


def find_sections(doc: Document) -> tuple[list[Section], list[int | None]]:
    """Sections from headings (and '§ N' paragraphs), and for each block the section it is in."""
    sections: list[Section] = []
    block_section: list[int | None] = []
    stack: list[Section] = []
    current: int | None = None
    for b in doc.blocks:
        level = None
        if b.kind == "heading" and not b.furniture:
            level = b.level
        elif b.kind == "paragraph" and _PARAGRAPH_SIGN.match(b.text):
            level = 9
        if level is not None:
            number, title = split_number(b.text)
            if level == 9 and title:  # an item written inline: "§ 5 Förlängning av insatsen. Insatsen startade …"
                title = sentences(title)[0].text.rstrip(".")
            while stack and stack[-1].level >= level:
                stack.pop()
            sec = Section(len(sections) + 1, number, title, level, b.page, stack[-1].ordinal if stack else None)
            sections.append(sec)
            stack.append(sec)
            current = sec.ordinal
        block_section.append(current)
    return sections, block_section
