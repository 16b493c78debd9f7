"""Demo ledger rows: households with their members, memberships, departures and search keys."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from station.demo.names import NamePicker
from station.demo.people import DemoHousehold, PeopleMaker, Resident, UniqueNumbers
from station.demo.places import Home
from station.demo.regions import BEIJING_DISTRICTS, HOME_DISTRICT
from station.demo.shapes import ShapeMaker
from station.idcard import age_on
from station.search import lookup as search
from station.settings import Settings

# Share of households by population type: 户籍 about 80%, 流动 about 18%, 境外 a few.
POPULATION_WEIGHTS = {"registered": 77, "floating": 21.5, "overseas": 1.5}
MOVED_OUT_RATE = 0.01  # whole households that left during the past year
DEATH_RATE = 0.05  # of people aged 75+ living alone or with their children, in the past year


@dataclass
class LedgerBatch:
    """Rows for one chunk of households, ready for executemany."""

    households: list[DemoHousehold] = field(default_factory=list)
    household_rows: list[dict[str, Any]] = field(default_factory=list)
    person_rows: list[dict[str, Any]] = field(default_factory=list)
    membership_rows: list[dict[str, Any]] = field(default_factory=list)
    search_key_rows: list[dict[str, Any]] = field(default_factory=list)
    residents: int = 0


class LedgerMaker:
    """Builds households for homes, numbering them H000001, H000002, ... in order."""

    def __init__(self, rng: random.Random, names: NamePicker, numbers: UniqueNumbers,
                 settings: Settings, community: Any, now: datetime, grid_ids: list[int],
                 household_ids: Iterator[int], person_ids: Iterator[int]):
        self.rng = rng
        self.today = now.date()
        self.community = community
        self.now = now
        self.grid_ids = grid_ids
        self.household_ids = household_ids
        self.person_ids = person_ids
        self.numbers = iter(range(1, 10**9))
        self.shapes = ShapeMaker(rng)
        self.people = PeopleMaker(rng, names, numbers, self.today, community.id, now)
        self.name_keys: dict[str, set[str]] = {}
        self.address_prefix = BEIJING_DISTRICTS[HOME_DISTRICT] + settings.station.street + community.name

    def households(self, homes: list[Home]) -> LedgerBatch:
        """One living household per home; where the first one left this year, a successor too."""
        batch = LedgerBatch()
        for home in homes:
            household = self._household(home)
            ended_on = self._departures(household)
            # Added once its departures are known: a member who left has left_on on the membership.
            self._add(batch, household)
            if ended_on is not None:
                self._add(batch, self._household(home, after=ended_on))
        return batch

    def _add(self, batch: LedgerBatch, household: DemoHousehold) -> None:
        batch.households.append(household)
        batch.household_rows.append(household.row)
        self._add_members(batch, household)

    def _household(self, home: Home, after: date | None = None) -> DemoHousehold:
        population_type = self.rng.choices(list(POPULATION_WEIGHTS), list(POPULATION_WEIGHTS.values()))[0]
        shape, shapes = self.shapes.make(population_type)
        context = self.people.context(population_type, shapes[0].age, self.address_prefix + home.label,
                                      after)
        residents = self.people.residents(shapes, context, self.person_ids)
        head = residents[0].row
        row = {
            "id": next(self.household_ids), "community_id": self.community.id,
            "grid_id": self.grid_ids[home.grid_index], "building_id": home.building_id,
            "unit_id": home.unit_id, "number": f"H{next(self.numbers):06d}", "room": home.room,
            "address": home.address,
            "kind": "registered" if population_type == "registered" else "dwelling",
            "phone": head["phone"] or next((r.row["phone"] for r in residents if r.row["phone"]), ""),
            "status": "active", "notes": "", "moved_out_on": None,
            "created_at": self.now, "updated_at": self.now, "version": 1,
        }
        return DemoHousehold(row, home, shape, residents)

    # --- departures -------------------------------------------------------------------------

    def _departures(self, household: DemoHousehold) -> date | None:
        """A few households moved away this year; a few old people died (the ledger keeps both).

        Returns the day the household ended (moved out, or its only member died), else None.
        """
        if self.rng.random() < MOVED_OUT_RATE:
            on = self._day_after(max(r.joined_on for r in household.residents))
            if on is not None:
                for resident in household.residents:
                    self._leave(resident, on, "迁出")
                    resident.row["moved_out_on"] = on
                household.row.update(status="moved_out", moved_out_on=on)
            return on
        alone = len(household.residents) == 1
        for resident in household.residents:
            if (alone or resident.relation[0] == "5") and self._dies(resident):
                on = self._day_after(resident.joined_on)
                if on is None:
                    continue
                self._leave(resident, on, "死亡")
                resident.row["deceased_on"] = on
                if alone:
                    household.row.update(status="cancelled", moved_out_on=on)
                    return on
        return None

    def _dies(self, resident: Resident) -> bool:
        return age_on(resident.row["birth_date"], self.today) >= 75 and self.rng.random() < DEATH_RATE

    def _day_after(self, first: date) -> date | None:
        """A day in the past year after `first`, or None if there is none."""
        low = max(first + timedelta(days=1), self.today - timedelta(days=364))
        high = self.today - timedelta(days=1)
        if low > high:
            return None
        return date.fromordinal(self.rng.randint(low.toordinal(), high.toordinal()))

    def _leave(self, resident: Resident, on: date, reason: str) -> None:
        resident.left_on, resident.left_reason = on, reason
        resident.row["updated_at"] = datetime.combine(on, self.now.time())

    # --- rows -------------------------------------------------------------------------------

    def _add_members(self, batch: LedgerBatch, household: DemoHousehold) -> None:
        home = household.home
        home_keys = search.address_keys(home.building_name, home.unit_name, home.room, home.address)
        for resident in household.residents:
            person = resident.row
            batch.person_rows.append(person)
            batch.membership_rows.append({
                "household_id": household.id, "person_id": person["id"],
                "relation": resident.relation, "joined_on": resident.joined_on,
                "left_on": resident.left_on, "left_reason": resident.left_reason,
            })
            batch.search_key_rows += self._key_rows(resident, household, home_keys)
            batch.residents += int(resident.current and household.row["status"] == "active")

    def _key_rows(self, resident: Resident, household: DemoHousehold,
                  home_keys: set[str]) -> list[dict[str, Any]]:
        """The keys search.reindex_persons would write: no home (and no grid) once they left."""
        person = resident.row
        current = resident.current
        # person_keys is a union over its parts: the name part is computed once per name.
        name_keys = self.name_keys.get(person["name"])
        if name_keys is None:
            name_keys = self.name_keys[person["name"]] = search.person_keys(person["name"], "", "")
        keys = name_keys | search.person_keys("", person["id_number"], person["phone"],
                                              home_keys if current else ())
        grid_id = household.row["grid_id"] if current else None
        return search.key_rows(person["id"], self.community.id, grid_id, sorted(keys))
