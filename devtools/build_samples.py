"""Render the sample minutes in devtools/samples/ into the .pdf and .docx files in samples/.

    make samples     (or: .venv/bin/python devtools/build_samples.py)

The rendered files are committed, so the demo needs no PDF library; run this after
editing a source. The format of each sample is chosen below to cover every backend.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from devtools.docgen import render  # noqa: E402

TARGETS = {
    "ks-au_2025-03-04.md": "ks-au_2025-03-04.pdf",
    "socialnamnden_2025-02-12.md": "socialnamnden_2025-02-12.docx",
    "styrgrupp-digitalisering_2025-01-20.md": "styrgrupp-digitalisering_2025-01-20.docx",
    "rag-lab_2024-11-07.md": "rag-lab_2024-11-07.pdf",
    "miljonamnden_2024-09-18.md": "miljonamnden_2024-09-18.scan.pdf",  # image only: read by OCR
    "kf_2025-04-24.md": "kf_2025-04-24.docx",  # a formal protocol: yrkanden, votes, reservations, jäv
}

if __name__ == "__main__":
    for src, target in TARGETS.items():
        out = render((HERE / "samples" / src).read_text(encoding="utf-8"), ROOT / "samples" / target)
        print(f"wrote {out.relative_to(ROOT)}")
