"""Test data builders: valid ID numbers and household drafts."""

from __future__ import annotations

from datetime import date

from station.ledger.records import HouseholdDraft
from station.residents.records import PersonDraft

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(birth: date, *, male: bool = True, seq: int = 1, region: str = "110105") -> str:
    """A valid 18-character ID number for a birth date, sex and sequence."""
    order = seq * 2 % 1000
    order = order + 1 if male else order
    if order == 0 or order >= 1000:
        order = 2 if not male else 1
    first17 = f"{region}{birth:%Y%m%d}{order:03d}"
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def person(name: str, relation: str, birth: date, *, male: bool = True, seq: int = 1, **extra) -> PersonDraft:
    return PersonDraft(name=name, id_number=make_id(birth, male=male, seq=seq), relation=relation, **extra)


def family(grid_id: int, *, seq: int = 1, building_id: int | None = None, room: str = "101") -> HouseholdDraft:
    """A three-person household: head, spouse, child."""
    return HouseholdDraft(
        grid_id=grid_id,
        building_id=building_id,
        room=room,
        members=(
            person("张三", "02", date(1980, 5, 1), seq=seq),
            person("李四", "10", date(1982, 7, 9), male=False, seq=seq),
            person("张小明", "20", date(2010, 3, 15), seq=seq),
        ),
    )
