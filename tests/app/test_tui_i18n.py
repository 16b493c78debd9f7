"""The catalogues: same keys in every language, and every key the screens use exists."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from screens.dashboard import TILES
from screens.i18n import LANGUAGES, Catalogue, load_strings
from screens.keys import KEYS
from screens.session.first_run import FIELDS
from screens.visits.form import FIELDS as VISIT_FIELDS
from screens.visits.tables import DUE_COLUMNS, VISIT_COLUMNS
from station.permissions import ROLES

SCREENS = Path(__file__).resolve().parents[2] / "screens"
LITERAL_KEY = re.compile(r"""\b(?:t|catalogue)\(\s*"([a-z_][a-z0-9_.]*)\"""")


def _used_literal_keys() -> set[str]:
    return {key for path in SCREENS.rglob("*.py") for key in LITERAL_KEY.findall(path.read_text("utf-8"))}


def _used_computed_keys() -> set[str]:
    """Keys the screens build from names (f-strings): each family spelled out here."""
    keys = {f"keys.{binding_id}" for binding_id in KEYS} | {f"tips.{binding_id}" for binding_id in KEYS}
    keys |= {f"roles.{role}" for role in ROLES}
    keys |= {f"first_run.{field}" for field in FIELDS} | {f"first_run.{field}_hint" for field in FIELDS}
    keys |= {f"dashboard.tile_{tile}" for tile in TILES}
    keys |= {f"dashboard.{name}_title" for name in ("registers", "visits", "requests", "month")}
    keys |= {f"dashboard.{name}" for name in ("this_month", "last_month_to_date", "last_month")}
    keys |= {f"dashboard.month_{name}" for name in ("visits_done", "requests_received",
                                                     "requests_closed", "on_time")}
    keys |= {f"help.{place}.text" for place in ("general", "help", "dialog", "login", "first_run",
                                                 "lock", "dashboard", "picker", "registers", "register_form",
                                                 "register_end", "reports", "import", "visits", "visit_form",
                                                 "visit_complete", "requests", "request_detail",
                                                 "request_form", "household_ops")}
    keys |= {f"visits.col_{column}" for column in (*VISIT_COLUMNS, *DUE_COLUMNS)}
    keys |= {f"visit_form.{field}" for field in VISIT_FIELDS}
    return keys


def test_both_catalogues_have_the_same_keys():
    zh, en = load_strings("zh"), load_strings("en")
    assert sorted(set(zh) - set(en)) == [] and sorted(set(en) - set(zh)) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_the_screens_use_exists(language):
    used = _used_literal_keys() | _used_computed_keys()
    assert len(used) > 80
    missing = sorted(key for key in used if not Catalogue(language).has(key))
    assert missing == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match_between_languages(language):
    zh, other = load_strings("zh"), load_strings(language)
    fields = re.compile(r"\{(\w+)\}")
    for key, text in zh.items():
        assert set(fields.findall(text)) == set(fields.findall(other[key])), key


def test_the_scan_finds_keys_in_screen_code():
    used = _used_literal_keys()
    assert {"login.title", "lock.wrong", "dashboard.scope", "app.no_screenshot"} <= used


def test_a_missing_key_shows_itself_rather_than_failing():
    assert Catalogue("zh")("no.such.key") == "no.such.key"
    assert Catalogue("fr").language == "zh"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_date_example_is_never_out_of_date(language):
    """The hints' example days are today's (and a week on for a day still to come), not days
    written into the catalogue that pass: a follow-up hint must not suggest a day already gone."""
    t = Catalogue(language)
    today = date.today()
    assert (today + timedelta(days=7)).isoformat() in t("visit_form.day_hint")
    assert today.isoformat() in t("visit_form.bad_date", field="x")
    assert "2020-01-02" in t("visit_form.bad_date", field="x", today="2020-01-02")  # a form's own clock wins
