"""The ledger's refusals are data: the same error says itself in English or in Chinese."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from factories import family, person

from station.errors import DuplicateError, StationError, ValidationError
from station.ledger import households
from station.ledger.records import HouseholdDraft
from station.places import directory as places
from station.uow import UnitOfWork


def no_chinese(text: str) -> bool:
    return not any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.fixture
def grid_id(uow, community_id) -> int:
    return places.add_grid(uow, community_id, "G01", "一网格").id


def refusal(db, actor, draft) -> StationError:
    with UnitOfWork(db, actor) as uow, pytest.raises(StationError) as refused:
        households.register_household(uow, draft)
    return refused.value


def test_a_household_without_a_head_is_refused_in_english(db, admin, grid_id):
    draft = HouseholdDraft(grid_id=grid_id, address="东街 1 号", members=(person("甲", "子", date(1970, 1, 1)),))
    error = refusal(db, admin, draft)
    assert (error.code, error.field) == ("ledger.no_head", "relation")
    assert error.render("en") == "Every household must have a head"
    assert error.message == "每户必须有一名户主"


def test_a_bad_member_names_its_number_in_either_language(db, admin, grid_id):
    draft = replace(family(grid_id), address="东街 1 号")
    bad = replace(draft.members[1], id_number="110105194912310021")
    error = refusal(db, admin, replace(draft, members=(draft.members[0], bad, *draft.members[2:])))
    assert isinstance(error, ValidationError) and (error.index, error.field) == (2, "id_number")
    assert error.render("en").startswith("Member 2: ") and no_chinese(error.render("en"))
    assert error.message.startswith("第 2 名成员:")


def test_a_duplicate_id_says_whose_masked_in_english(db, admin, grid_id):
    first = replace(family(grid_id, seq=1), address="东街 1 号")
    with UnitOfWork(db, admin) as uow:
        households.register_household(uow, first)
    again = replace(family(grid_id, seq=2), address="东街 2 号")
    again = replace(again, members=(again.members[0], first.members[1]))
    error = refusal(db, admin, again)
    assert isinstance(error, DuplicateError) and error.existing_id is not None and error.index == 2
    english = error.render("en")
    assert first.members[1].id_number not in english and first.members[1].id_number[:6] in english
    assert english.startswith("Member 2: ID number ") and "already registered" in english
