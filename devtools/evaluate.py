"""Score the rules on every evaluation corpus there is, against the baseline committed beside this file.

    python devtools/evaluate.py [--shared ../shared] [--update] [--workers N]

Each corpus is a folder of documents with a folder of gold annotations next to it (`docs` with
`gold`, `scanned` with `gold-scanned`, under every corpus of the shared folder). Every corpus is
imported into a fresh warehouse with this checkout's `minutes`, scored by the shared scorer
(`eval/score.py` of the shared folder), and its figures printed one line each. The exit status
is 1 when a figure is more than 0.02 below devtools/eval-baseline.json, so an improvement is
kept by `--update` and a loss stops CI. Without the shared folder it says so and exits 0.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "devtools" / "eval-baseline.json"
TOLERANCE = 0.02
#: The figures kept in the baseline: the scorer's F1 per kind and its accuracies.
FIGURES = ("decisions", "assignments", "attendees", "protocol_f1", "deadline_accuracy", "attendee_status_accuracy",
           "attendee_org_accuracy", "meeting_field_accuracy")
#: Documents folders and the gold folder that goes with each.
PAIRS = (("docs", "gold"), ("scanned", "gold-scanned"))


def corpora(shared: Path) -> list[tuple[str, Path, Path]]:
    """(name, documents folder, gold folder) of every corpus under the shared folder."""
    out = []
    for corpus in sorted(p for p in shared.iterdir() if p.is_dir()):
        for docs, gold in PAIRS:
            if (corpus / docs).is_dir() and (corpus / gold).is_dir():
                name = corpus.name if docs == "docs" else f"{corpus.name}/{docs}"
                out.append((name, corpus / docs, corpus / gold))
    return out


def score(shared: Path, docs: Path, gold: Path, workers: int) -> tuple[dict, str]:
    """Import `docs` into a new warehouse and score it: (figures, the scorer's summary line)."""
    minutes = Path(sys.executable).with_name("minutes")
    with tempfile.TemporaryDirectory(prefix="minutes-eval-") as tmp:
        db = Path(tmp) / "eval.duckdb"
        subprocess.run([str(minutes), "import", str(docs), "--db", str(db), "-q", "-j", str(workers)],
                       capture_output=True, text=True)
        res = subprocess.run([sys.executable, str(shared / "eval" / "score.py"), "--db", str(db), "--gold", str(gold),
                              "--json"], capture_output=True, text=True, check=True)
    text = res.stdout
    end = text.rindex("}") + 1
    data = json.loads(text[:end])
    figures = {k: (data[k]["f1"] if isinstance(data.get(k), dict) else data.get(k)) for k in FIGURES}
    return figures, text[end:].strip().splitlines()[-1]


def drops(name: str, figures: dict, baseline: dict) -> list[str]:
    """The figures more than TOLERANCE below the baseline's, as sentences."""
    out = []
    for k, was in baseline.get(name, {}).items():
        now = figures.get(k)
        if was is not None and (now is None or now < was - TOLERANCE):
            out.append(f"{name}: {k} fell from {was} to {now}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--update", action="store_true", help="write today's figures as the new baseline")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    if not (args.shared / "eval" / "score.py").is_file():
        print(f"No evaluation corpora at {args.shared}; nothing to score.")
        return 0
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    found, problems = {}, []
    for name, docs, gold in corpora(args.shared):
        figures, line = score(args.shared, docs, gold, args.workers)
        found[name] = figures
        print(f"{name}: {line}")
        problems += drops(name, figures, baseline)
    if args.update:
        BASELINE.write_text(json.dumps(found, indent=2, sort_keys=True) + "\n")
        print(f"wrote {BASELINE.relative_to(ROOT)}")
        return 0
    for p in problems:
        print(f"DROP {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
