"""In English, codes are named in English (男 is Male, 独居老人 Elderly living alone); names a
station gave its own categories in station.toml stay as written, in every language."""

from __future__ import annotations

import pytest
from dashboard_fixtures import build_town
from ledger_fixtures import neighbourhood
from tui_support import app_for, drive, log_in, make_admin, squeeze, text_of, with_settings

from screens.i18n import Catalogue
from station import codes
from station.settings import DEFAULT_REGISTER_CATEGORIES, DEFAULT_REQUEST_CATEGORIES

FAMILIES = {
    "sex": codes.sexes(),
    "population_type": codes.POPULATION_TYPES,
    "residence_state": codes.RESIDENCE_STATES,
    "register_category": DEFAULT_REGISTER_CATEGORIES,
    "request_category": DEFAULT_REQUEST_CATEGORIES,
}


@pytest.mark.parametrize("family", FAMILIES)
def test_every_code_a_screen_names_has_an_english_name(family):
    english = Catalogue("en")
    for code, chinese in FAMILIES[family].items():
        name = english.name(family, code, chinese)
        assert name != chinese and name.isascii(), (family, code, name)


def test_chinese_keeps_the_name_as_stored_and_a_stations_own_category_keeps_its_name():
    chinese, english = Catalogue("zh"), Catalogue("en")
    assert chinese.name("sex", "1", "男") == "男" and english.name("sex", "1", "男") == "Male"
    # A station may rename a standard category in Chinese: Chinese shows its own name.
    assert chinese.name("register_category", "elderly_alone", "独居老人(本社区)") == "独居老人(本社区)"
    assert english.name("register_category", "local_watch", "重点关注") == "重点关注"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_english_dashboard_names_the_registers_in_english(db, community_id, clock):
    build_town(db, community_id, neighbourhood(db, community_id), clock)
    make_admin(db)

    async def scenario(pilot):
        await log_in(pilot)
        panel = squeeze(text_of(pilot, "#registers-panel"))
        assert "Livingalone" in panel and "独居老人" not in panel

    drive(app_for(with_settings(db, language="en")), scenario, size=(120, 40))
