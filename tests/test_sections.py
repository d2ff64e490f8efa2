"""Agenda items as the document writes them: headings, short '§ N' lines, and items written inline."""
from minutes.extractors.text import parse_text
from minutes.rules.sections import find_sections

INLINE = """Protokoll Styrelsen för Samordningsförbundet Norrå 2016-03-10

§ 1 Mötets öppnande. Ordföranden hälsade välkommen.

§ 2 Val av justerare. Beslut: Eva Lind utses att justera protokollet.

§ 3 Ändring av 5 kap. i förbundsordningen. Förbundschefen redogjorde för ändringen, som följer av den nya lagen om finansiell samordning och av de synpunkter medlemmarna lämnat under våren. Gösta Berg (M) yrkar avslag. Votering begärs.

Beslut: att godkänna ändringen.
"""


def test_an_item_written_inline_is_a_section_titled_by_its_first_sentence():
    doc = parse_text(INLINE)
    sections, block_section = find_sections(doc)
    assert [(s.number, s.title) for s in sections] == [
        ("§ 1", "Mötets öppnande"), ("§ 2", "Val av justerare"), ("§ 3", "Ändring av 5 kap. i förbundsordningen")]
    last = [b.text for b in doc.blocks].index("Beslut: att godkänna ändringen.")
    assert block_section[last] == sections[2].ordinal  # the decision after a long inline item is in that item
