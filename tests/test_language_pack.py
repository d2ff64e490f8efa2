"""Swedish is data: the rule code (rules/*.py) holds no Swedish words; the language pack
(rules/sv/*.yaml) holds them all.

A string literal of the rule code, docstrings aside, fails this test when it
- holds å, ä or ö (a Swedish word, or a letter class such as [A-ZÅÄÖ]: write [{UPPER}]);
- is a regex alternation of two or more words ("ja|nej", "kl\\.?|klockan");
- or a list, set or tuple literal holds three or more lowercase words.
Identifiers are told from Swedish words by what the code does with them: a literal whose every
word is also a name in the code of minutes (an attribute, a field, a parameter, a function or a
class: ("initials", "role", "party") names an Attendee's fields) is code, not language. A word
of the language is never also a name the code uses, so this lets no Swedish list through.
"""
import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
SWEDISH = re.compile(r"[åäöÅÄÖ]")
LOWER_WORDS = re.compile(r"[a-zåäö]+(?: [a-zåäö]+)*")


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def _names(paths: list[Path]) -> set[str]:
    """Every name the code uses: variables, attributes, parameters, keywords, functions and classes."""
    out: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Name):
                out.add(node.id)
            elif isinstance(node, ast.Attribute):
                out.add(node.attr)
            elif isinstance(node, ast.arg):
                out.add(node.arg)
            elif isinstance(node, ast.keyword) and node.arg:
                out.add(node.arg)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                out.add(node.name)
    return out


def alternated_words(text: str) -> list[str]:
    """The alternatives of a regex alternation that are words: "(?:kl\\.?|klockan)" -> ["kl", "klockan"]."""
    t = re.sub(r"\\[A-Za-z]", " ", text)  # \b, \d, \s
    t = re.sub(r"\[[^\]]*\]", " ", t)  # character classes
    t = re.sub(r"\(\?P<[^>]*>|\(\?[:=!<]*|\{[^}]*\}", " ", t)  # group openings, quantifiers, placeholders
    parts = re.split(r"(?<!\\)\|", t)
    if len(parts) < 2:
        return []
    cores = [p.strip(" ()?.*+^$\\") for p in parts]
    return [c for c in cores if len(c) >= 2 and all(ch.isalpha() or ch == " " for ch in c)]


def swedish_in(path: Path, names: set[str]) -> list[str]:
    """The string literals of a module that hold Swedish words, as 'line: literal'."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            if SWEDISH.search(node.value) or len(alternated_words(node.value)) >= 2:
                found.append(f"{path.name}:{node.lineno}: {node.value[:80]!r}")
        elif isinstance(node, (ast.List, ast.Set, ast.Tuple)):
            words = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
                     and LOWER_WORDS.fullmatch(e.value)]
            if len(words) >= 3 and not all(w in names for w in words):
                found.append(f"{path.name}:{node.lineno}: {words[:8]}")
    return found


def test_the_rule_code_holds_no_swedish():
    modules = sorted(RULES.glob("*.py"))
    names = _names(modules + sorted((ROOT / "minutes" / "core").glob("*.py")))
    found = [hit for path in modules for hit in swedish_in(path, names)]
    assert not found, "Swedish in the rule code; move it to rules/sv/*.yaml:\n" + "\n".join(found)


def test_the_check_finds_swedish(tmp_path):
    """The test above can fail: each kind of Swedish literal is caught, identifiers and docstrings are not."""
    module = tmp_path / "m.py"
    module.write_text('"""Närvarande: a docstring may say it."""\n'
                      'A = "före"\n'
                      'B = r"\\b(?:kl\\.?|klockan)\\s*"\n'
                      'C = ("vi", "det", "man")\n'
                      'D = ("name", "role", "party")\n'
                      'E = r"\\b{MONTHS}\\b|\\d{4}"\n', encoding="utf-8")
    found = swedish_in(module, {"name", "role", "party"})
    assert [hit.split(":")[1] for hit in found] == ["2", "3", "4"], found
