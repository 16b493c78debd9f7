"""Search keys for imported persons: the same keys demo_ledger and search.reindex_persons write.

Keys come from search_keys.person_keys / address_keys, computed once per distinct name and home
as demo_ledger does. Rows are plain tuples (person_id, community_id, grid_id, key) in
KEY_COLUMNS order rather than key_rows' dicts: a large ledger has over a million of them.
"""

from __future__ import annotations

from typing import Any

from . import search_keys

KEY_COLUMNS = ("person_id", "community_id", "grid_id", "key")
Home = tuple[str, str, str, str]  # building, unit, room, address


class KeyMaker:
    """Key rows per person; name and home keys are computed once per distinct name and home."""

    def __init__(self, community_id: int):
        self.community_id = community_id
        self.name_keys: dict[str, set[str]] = {}
        self.home_keys: dict[Home, set[str]] = {}

    def rows(self, person_id: int, person: dict[str, Any], grid_id: int, home: Home) -> list[tuple]:
        """Rows for the search_keys table, in KEY_COLUMNS order."""
        name = person["name"]
        name_keys = self.name_keys.get(name)
        if name_keys is None:
            name_keys = self.name_keys[name] = search_keys.person_keys(name, "", "")
        home_keys = self.home_keys.get(home)
        if home_keys is None:
            # person_keys trims and filters each part alike, so a home's keys are done once too.
            address = search_keys.address_keys(*home)
            home_keys = self.home_keys[home] = search_keys.person_keys("", "", "", address)
        keys = name_keys | home_keys | search_keys.person_keys("", person["id_number"], person["phone"])
        community_id = self.community_id
        return [(person_id, community_id, grid_id, key) for key in keys]
