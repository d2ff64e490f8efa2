"""Every example in the README runs on the demo warehouse and prints rows.

The README's ```sh blocks hold commands (a synopsis goes in a ```text block). Every `minutes`
line in them runs here, in order, against the warehouse `make demo` builds, except `minutes
import` (the warehouse itself is made by importing samples/, and the examples name archives
this machine has not got) and `minutes serve` (a server: tests/test_web.py). In a block with
`$ ` prompts only the prompted lines are commands; the rest is their output. Each statement of
a ```sql block runs through `minutes sql`. Every command must succeed and print rows.
"""
from __future__ import annotations

import re
import shlex

import pytest

from conftest import ROOT
from minutes.cli import main

SKIPPED = ("import", "serve")
_EMPTY = re.compile(r"\(0 rows\)|^No (hits|assignments|open assignments) ", re.M)


def readme_examples(text: str) -> list[list[str]]:
    """The commands of the README's sh and sql blocks, as argument lists for `minutes`, in order."""
    commands: list[list[str]] = []
    for lang, body in re.findall(r"```(sh|sql)\n(.*?)```", text, flags=re.S):
        if lang == "sql":
            body = "\n".join(line for line in body.splitlines() if not line.lstrip().startswith("--"))
            commands += [["sql", st.strip()] for st in body.split(";") if st.strip()]
            continue
        lines = body.replace("\\\n", " ").splitlines()
        if any(line.startswith("$ ") for line in lines):
            lines = [line[2:] for line in lines if line.startswith("$ ")]
        for line in lines:
            args = shlex.split(line, comments=True)
            if len(args) > 1 and args[0] in ("minutes", ".venv/bin/minutes") and args[1] not in SKIPPED:
                commands.append(args[1:])
    return commands


def test_the_readme_has_examples_to_run():
    commands = readme_examples((ROOT / "README.md").read_text(encoding="utf-8"))
    kinds = {c[0] for c in commands}
    assert {"sql", "assigned", "search", "decisions"} <= kinds, kinds


def test_readme_examples_are_parsed_as_commands():
    text = ("```sh\n$ minutes assigned \"helena sjöberg\" --today 2025-03-01\nmeeting_date  body\n```\n"
            "```text\nminutes import PATH... [--db FILE]\n```\n"
            "```sh\nmake demo\nminutes import /mnt/arkiv -j 8   # a comment\n.venv/bin/minutes sql \"select 1\"\n```\n"
            "```sql\n-- a comment\nselect 1;\nselect 2\n```\n")
    assert readme_examples(text) == [["assigned", "helena sjöberg", "--today", "2025-03-01"], ["sql", "select 1"],
                                     ["sql", "select 1"], ["sql", "select 2"]]


@pytest.mark.slow
def test_every_readme_example_prints_rows_on_the_demo(demo_db, runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that write (an export) write here
    failed = []
    for args in readme_examples((ROOT / "README.md").read_text(encoding="utf-8")):
        res = runner.invoke(main, args, env={"MINUTES_DB": str(demo_db)})
        if res.exit_code != 0 or not res.output.strip() or _EMPTY.search(res.output):
            failed.append(f"minutes {shlex.join(args)}\n{res.output}")
    assert not failed, "\n\n".join(failed)
