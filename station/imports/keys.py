"""Search keys for imported persons: the same keys demo_ledger and search.reindex_persons write.

Keys come from search_keys.person_keys / address_keys, computed once per distinct name and home
as demo_ledger does; only the ID and phone keys are a person's own. A person's keys travel as one
(person_id, grid_id, [keys]) row: a large ledger has over a million keys, and the bulk writer
fans them out in SQL (see station.bulk.background).
"""

from __future__ import annotations

from typing import Any

from station.search import keys as search_keys

KEY_COLUMNS = ("person_id", "grid_id", "key")  # the last one fanned out
Home = tuple[str, str, str, str]  # building, unit, room, address


class KeyMaker:
    """Key lists per person; name and home keys are computed once per distinct name and home."""

    def __init__(self) -> None:
        self.name_keys: dict[str, frozenset[str]] = {}
        self.home_keys: dict[Home, frozenset[str]] = {}

    def row(self, person_id: int, person: dict[str, Any], grid_id: int | None,
            home: Home) -> tuple[int, int | None, list[str]]:
        """(person_id, grid_id, keys) in KEY_COLUMNS order."""
        name = person["name"]
        name_keys = self.name_keys.get(name)
        if name_keys is None:
            name_keys = self.name_keys[name] = frozenset(search_keys.person_keys(name, "", ""))
        home_keys = self.home_keys.get(home)
        if home_keys is None:
            # person_keys trims and filters each part alike, so a home's keys are done once too.
            address = search_keys.address_keys(*home)
            home_keys = self.home_keys[home] = frozenset(search_keys.person_keys("", "", "", address))
        own = search_keys.person_keys("", person["id_number"], person["phone"])
        return person_id, grid_id, list(own.union(name_keys, home_keys))
