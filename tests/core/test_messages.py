"""Errors are data: every code raised has words in both catalogues, and they take the same values."""

from __future__ import annotations

import ast
import logging
import re
import string
from collections.abc import Iterable
from pathlib import Path

import pytest

from screens.i18n import load_strings
from station.errors import DuplicateError, StationError, ValidationError
from station.exports.records import EXPORT_KINDS
from station.failures import OS_TERMS, SQLITE_CODES
from station.imports.plan import STAGES
from station.ledger.check import RULE_CODES
from station.messages import LANGUAGES, Term, catalogue, message
from station.permissions import PERMISSION_NAMES, ROLES
from station.registers.attributes import LABELS as ATTRIBUTE_LABELS
from station.requests.rules import STATES, TRANSITIONS
from station.text_rules import RULES

ROOT = Path(__file__).resolve().parents[2]
SCANNED = [*ROOT.glob("station/**/*.py"), *ROOT.glob("screens/**/*.py"), *ROOT.glob("reports/**/*.py"),
           *ROOT.glob("cli*.py")]


def error_classes(trees: dict[Path, ast.Module]) -> set[str]:
    """StationError and every class that derives from it in the scanned code."""
    known = {"StationError"}
    while True:
        found = {node.name for tree in trees.values() for node in ast.walk(tree)
                 if isinstance(node, ast.ClassDef)
                 and any(isinstance(base, ast.Name) and base.id in known for base in node.bases)}
        if found <= known:
            return known
        known |= found


def called(node: ast.Call) -> str | None:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def family(literal: ast.expr) -> str | None:
    """The constant start of an f-string code (f"roles.{role}" -> "roles."), if it is one."""
    if isinstance(literal, ast.JoinedStr) and literal.values and isinstance(literal.values[0], ast.Constant):
        return str(literal.values[0].value)
    return None


def codes_in_code() -> tuple[dict[str, list[str]], list[str]]:
    """The codes the code names (error codes, Terms, `error_code=` arguments to helpers that raise),
    and constructions whose code is neither a literal, a variable passing one on, nor an f-string
    of a known family."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in SCANNED}
    classes = error_classes(trees)
    codes: dict[str, list[str]] = {}
    unchecked: list[str] = []
    for path, tree in trees.items():
        where = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = called(node)
            literals = [keyword.value for keyword in node.keywords if keyword.arg == "error_code"]
            if (name in classes or name == "Term") and node.args:
                literals.append(node.args[0])
            for literal in literals:
                if isinstance(literal, ast.Constant) and isinstance(literal.value, str):
                    codes.setdefault(literal.value, []).append(f"{where}:{node.lineno}")
                elif not (isinstance(literal, ast.Name) and literal.id in PASSED_ON
                          or isinstance(literal, ast.Attribute) and literal.attr == "code"
                          or family(literal) in FAMILIES):
                    unchecked.append(f"{where}:{node.lineno}")
    return codes, unchecked


# A helper that raises is handed its code as `error_code=`; a table of codes is read as `code`.
PASSED_ON = {"code", "error_code"}
# Codes built from a table's keys: each key of the table has words in both catalogues.
FAMILIES: dict[str, Iterable[str]] = {
    "roles.": ROLES,
    "rights.": PERMISSION_NAMES,
    "columns.": RULES,
    "registers.attribute.": ATTRIBUTE_LABELS,
    "requests.state.": STATES,
    "requests.action.": TRANSITIONS,
    "imports.stage.": STAGES,
    "exports.kind.": EXPORT_KINDS,
    "ledger.rule.": RULE_CODES,
}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def has_words(code: str, places: list[str], language: str) -> bool:
    """In the core's catalogue, or (for a form's own check in screens/) in the UI's."""
    in_screens = all(place.startswith("screens/") for place in places)
    return code in catalogue(language) or in_screens and code in load_strings(language)


def test_every_code_in_the_code_has_words_in_both_catalogues():
    codes, _ = codes_in_code()
    assert len(codes) > 300  # the scan finds the raises (it would pass vacuously otherwise)
    for language in LANGUAGES:
        missing = {code: places for code, places in codes.items() if not has_words(code, places, language)}
        assert not missing, f"missing from {language}.toml: {missing}"


def test_no_core_code_is_also_a_ui_key():
    # The UI catalogue is asked first for an error's code: a shared key would shadow the core's words.
    assert not set(catalogue("zh")) & set(load_strings("zh"))


def test_every_error_names_its_code_where_the_scan_can_read_it():
    _, unchecked = codes_in_code()
    assert not unchecked, f"codes the catalogue test cannot see (use a literal or a `code` variable): {unchecked}"


@pytest.mark.parametrize("prefix", list(FAMILIES))
def test_every_code_of_a_family_has_words_in_both_catalogues(prefix):
    for language in LANGUAGES:
        missing = [key for key in FAMILIES[prefix] if f"{prefix}{key}" not in catalogue(language)]
        assert not missing, f"{prefix}* missing from {language}.toml: {missing}"


def test_role_and_permission_names_say_what_the_tables_say():
    assert {code: message(f"roles.{code}") for code in ROLES} == ROLES
    assert {code: message(f"rights.{code}") for code in PERMISSION_NAMES} == PERMISSION_NAMES


def test_the_catalogues_hold_the_same_codes_taking_the_same_values():
    zh, en = catalogue("zh"), catalogue("en")
    assert set(zh) == set(en), f"only zh: {set(zh) - set(en)}; only en: {set(en) - set(zh)}"
    differing = {code for code in zh if placeholders(zh[code]) != placeholders(en[code])}
    assert not differing


def test_the_english_catalogue_is_english():
    # Quoted Chinese is what a clerk must type or find in a Chinese workbook (“男”, “网格”).
    unquoted = {code: re.sub("“[^”]*”", "", text) for code, text in catalogue("en").items()}
    chinese = {code: text for code, text in unquoted.items() if any("\u4e00" <= ch <= "\u9fff" for ch in text)}
    assert not chinese


def test_the_failure_tables_name_catalogue_codes():
    for code in [code for _, code in SQLITE_CODES] + [term.key for term in OS_TERMS.values()]:
        assert all(code in catalogue(language) for language in LANGUAGES), code


def test_an_error_renders_in_either_language_with_its_member_index():
    error = ValidationError("idcard.missing", field="id_number").with_index(2)
    assert error.message == "第 2 名成员:请填写身份证号码"
    assert error.render("en") == "Member 2: Please enter the ID number"
    assert (error.field, error.index, error.render_title("en")) == ("id_number", 2, "Invalid input")


def test_a_duplicate_keeps_what_it_points_at_when_given_an_index():
    error = DuplicateError("residents.duplicate_id", field="id_number", existing_id=7,
                           id_number="110105********002X", name="张三").with_index(3)
    assert error.existing_id == 7 and error.index == 3
    assert "110105********002X" in error.render("en") and "张三" in error.message


def test_terms_and_nested_errors_render_in_the_message_language():
    inner = StationError("failures.file", what=Term("failures.os.no_access"))
    assert inner.message == "文件操作失败:没有访问权限"
    assert inner.render("en") == "File operation failed: access denied"


def test_a_missing_code_shows_itself_and_warns_rather_than_crashing(caplog):
    with caplog.at_level(logging.WARNING, logger="station.messages"):
        assert message("no.such.code", "en") == "no.such.code"
        assert StationError("no.such.code", value=1).render("en") == "no.such.code"
    assert "no.such.code" in caplog.text


@pytest.mark.parametrize("language", ["fr", ""])
def test_an_unknown_language_falls_back_to_chinese(language):
    assert message("errors.title.validation", language) == "输入有误"
