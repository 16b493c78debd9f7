"""The CLI's words live in station/locale only: none in cli*.py, and every key it names is in both."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from station.messages import LANGUAGES, catalogue

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(ROOT.glob("cli*.py"))
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# The cli_context helpers and the prefix each adds; message() is handed whole codes.
SAYERS = {"words": "cli.", "hint": "cli.help.", "message": ""}


def docstrings(tree: ast.Module) -> set[int]:
    """ids of the docstring constants (they explain the code, in English, and are never shown)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def texts(path: Path) -> list[tuple[int, str]]:
    """Every string literal of a file outside docstrings (comments are not in the tree at all)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = docstrings(tree)
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped]


def named_keys() -> tuple[set[str], set[str]]:
    """Keys the CLI says by literal (also either side of a conditional), and f-string families."""
    keys: set[str] = set()
    families: set[str] = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in SAYERS
                    and node.args):
                continue
            prefix, argument = SAYERS[node.func.id], node.args[0]
            choices = [argument.body, argument.orelse] if isinstance(argument, ast.IfExp) else [argument]
            for choice in choices:
                if isinstance(choice, ast.Constant):
                    keys.add(prefix + str(choice.value))
                elif isinstance(choice, ast.JoinedStr) and isinstance(choice.values[0], ast.Constant):
                    families.add(prefix + str(choice.values[0].value))
                elif not isinstance(choice, ast.Name):  # a variable: the key was built where it is checked
                    raise AssertionError(f"{path.name}:{node.lineno}: a key the test cannot read")
    return keys, families


def test_no_chinese_is_left_in_the_cli_code():
    assert len(SOURCES) >= 6
    found = [f"{path.name}:{line}: {text}" for path in SOURCES for line, text in texts(path) if CJK.search(text)]
    assert not found


def test_every_key_the_cli_says_is_in_both_catalogues():
    keys, families = named_keys()
    assert len(keys) > 100 and "cli.help.init" in keys and "cli.init.ready" in keys
    for language in LANGUAGES:
        words = catalogue(language)
        assert not keys - set(words), f"missing from {language}.toml: {sorted(keys - set(words))}"
        assert all(any(key.startswith(family) for key in words) for family in families), language
