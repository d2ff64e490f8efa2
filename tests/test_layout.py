"""The package layout a newcomer relies on: which part may import which, and sizes a reader can hold."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: each part of `minutes` and the parts it may import; an arrow outside this table is a layering mistake
ALLOWED = {
    "core": set(),
    "text": {"core"},
    "extractors": {"core", "text"},
    "rules": {"core", "text"},
    "warehouse": {"core", "text"},
    "pipeline": {"core", "text", "extractors", "rules", "warehouse"},
    "web": {"core", "text", "warehouse"},
    "cli": {"core", "text", "extractors", "rules", "warehouse", "pipeline", "web"},
}
FOLDERS = {"core": "minutes/core", "text": "minutes/text", "cli": "minutes/cli", "extractors": "extractors",
           "rules": "rules", "warehouse": "warehouse", "pipeline": "pipeline", "web": "web"}
CHECKED = [*FOLDERS.values(), "devtools", "bench"]
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _python_files(folders):
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.py"))


def _imported_parts(path: Path, part: str) -> set[str]:
    """The parts of `minutes` a module imports, absolute (`minutes.rules`) or relative (`..core`)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 1 or (node.level == 0 and node.module is None):
                continue  # inside the same part
            if node.level >= 2:
                names = [f"minutes.{node.module or ''}"] if node.module else [f"minutes.{a.name}" for a in node.names]
            else:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            bits = name.split(".")
            if bits[0] == "minutes" and len(bits) > 1 and bits[1] in ALLOWED and bits[1] != part:
                found.add(bits[1])
    return found


@pytest.mark.parametrize("part", sorted(FOLDERS))
def test_each_part_imports_only_the_parts_below_it(part):
    wrong = {f"{p.relative_to(ROOT)} imports minutes.{other}"
             for p in _python_files([FOLDERS[part]]) for other in _imported_parts(p, part) - ALLOWED[part]}
    assert not wrong, sorted(wrong)


def test_the_allowed_imports_have_no_cycle():
    seen, done = set(), set()

    def visit(part, path):
        assert part not in seen - done, f"import cycle: {' -> '.join(path)}"
        if part in done:
            return
        seen.add(part)
        for other in ALLOWED[part]:
            visit(other, [*path, other])
        done.add(part)

    for part in ALLOWED:
        visit(part, [part])


def test_no_module_or_function_is_too_long_to_read():
    long = []
    for p in _python_files(CHECKED):
        text = p.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            long.append(f"{p.relative_to(ROOT)}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long.append(f"{p.relative_to(ROOT)}:{node.lineno} {node.name}(): {n} lines")
    assert not long, long
