"""The patterns of rules/sv/followups.yaml, checked and compiled for folded text.

What a follow-up statement says (its status), the references it makes (a § and its date,
"punkt 4 från föregående möte"), the agenda items and labels that never hold one, and the words
that say nothing about which task a statement is about. rules/followups.py reads documents with them.
"""
from __future__ import annotations

from minutes.text import fold, fold_same_length, squash

from .loader import built_once, load_model
from .meeting import full_dates
from .schema_patterns import FollowupsFile
from .text import sentences
from .vocab import label_key, split_label


class FollowupRules:
    """The patterns of rules/sv/followups.yaml, compiled for folded text (validated by FollowupsFile)."""

    def __init__(self) -> None:
        data = load_model("followups", FollowupsFile)
        self.data = data
        self.statuses = [(s.id, s.status, s.regex) for s in data.statuses]
        self.referenced = (data.referenced.id, data.referenced.status)
        self.titles = [(t.id, t.status, t.regex) for t in data.report_titles]
        self.cells = [(s.id, s.status, s.regex) for s in data.status_cells]
        #: header -> its rank: a table with "Kommentar" and "Status" columns takes its status from "Status"
        self.status_headers = {label_key(h): n for n, h in reversed(list(enumerate(data.status_headers)))}
        self.number_headers = {label_key(h) for h in data.number_headers}
        line = data.row_line
        self.line = {"status_label": line.status_label, "owner_label": line.owner_label,
                     "deadline_label": line.deadline_label, "number": line.number}
        self.item_ref = data.item_ref.regex
        self.previous_ref = data.previous_ref.regex
        p = data.paragraph_ref
        self.paragraph = {"before": p.before, "after": p.after, "with_year": p.with_year,
                          "without_date": p.without_date}
        for name in ("excluded_items", "skipped_labels", "followup_items", "information", "date_cues", "old_date"):
            setattr(self, name, getattr(data, name).regex)

    def status(self, text: str) -> tuple[str, str] | None:
        """(status, rule id) of the strongest status phrase in a text, or None."""
        f = fold(text)
        for rule, status, rx in self.statuses:
            if rx.search(f):
                return status, rule
        return None

    def title_status(self, title: str) -> tuple[str, str] | None:
        """(status, rule id) an agenda item's title gives a report back: "Redovisning av uppdrag", "Lägesrapport"."""
        f = fold(squash(title))
        return next(((status, rule) for rule, status, rx in self.titles if rx.search(f)), None)

    def label_status(self, text: str) -> tuple[str, str] | None:
        """(status, rule id) of a sentence that is a label and a status word: "Enkäten: Klar."."""
        for sentence in sentences(text):
            split = split_label(sentence.text, 60)
            if split and 0 < len(split[1].split()) <= 3:
                found = self.cell(split[1])
                if found and found[0] != "new":
                    return found[0], self.data.label_status.id
        return None

    def cell(self, text: str) -> tuple[str, str] | None:
        """(status, rule id) of an action table's status cell, `new` for a row given now; None when empty."""
        f = fold(squash(text)).strip(" .:-–")
        for rule, status, rx in self.cells:
            if rx.match(f):
                return status, rule
        return None

    def item_of(self, text: str) -> str | None:
        """The agenda item of the previous meeting a text names ("4"), "" for the previous meeting alone."""
        f = fold(text)
        m = self.item_ref.search(f)
        if m:
            return m.group("item") or m.group("item2")
        return "" if self.previous_ref.search(f) else None

    def paragraphs_of(self, text: str) -> list[str]:
        """Every earlier § or agenda item the text names: "2024-04-17 § 35", "2024-03-21 4" (an item of that
        meeting), "2024 § 45" (a § of that year), "§ 35" (the latest earlier meeting with that §)."""
        out: list[str] = []
        rx = self.paragraph
        f = fold_same_length(text)
        for date, start, end in full_dates(text):
            m = rx["before"].search(f[max(0, start - 60):start]) or rx["after"].search(f[end:end + 16])
            if m:
                out.append(f"{date.isoformat()} {'§ ' if m.group('sign') else ''}{int(m.group('number'))}")
        for m in rx["with_year"].finditer(f):
            year = m.group("year")
            out.append(f"{year if len(year) == 4 else '20' + year} § {int(m.group('number'))}")
        out += [f"§ {int(m.group('number'))}" for m in rx["without_date"].finditer(f)]
        return list(dict.fromkeys(out))


@built_once
def rules() -> FollowupRules:
    return FollowupRules()
