"""Demo persons: names, valid unique ID numbers, phones and the details a ledger records."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from station.demo.names import NamePicker
from station.demo.places import Home
from station.demo.regions import (
    BEIJING_DISTRICTS,
    BEIJING_MINORITIES,
    COUNTRIES,
    HOME_DISTRICT,
    MOBILE_PREFIXES,
    OTHER_REGIONS,
    REGION_ETHNICITY,
    region_name,
)
from station.demo.shapes import MemberShape
from station.idcard import check_char

HAN = "01"
FOREIGN_ETHNICITY = "97"  # 其他: foreigners have no Chinese 民族


@dataclass(slots=True)
class Resident:
    """One generated person (their `persons` row) and their membership of the household."""

    row: dict[str, Any]
    relation: str
    joined_on: date
    left_on: date | None = None
    left_reason: str = ""

    @property
    def current(self) -> bool:
        return self.left_on is None


@dataclass(frozen=True)
class HomeContext:
    """What members of one household share: origin, ethnicity and when they came."""

    population_type: str
    region: str
    ethnicity: str
    since: date
    registered_address: str
    country: str = ""


class UniqueNumbers:
    """ID numbers, passport numbers and mobile phones, each drawn at most once."""

    def __init__(self, rng: random.Random, taken: set[str]):
        self.rng = rng
        self.taken = taken

    def resident_id(self, region: str, birth: date, male: bool) -> str:
        """A valid GB 11643 number; the sequence's parity carries the sex (odd: male)."""
        order = self.rng.randrange(0, 500) * 2 + (1 if male else 0)
        for _ in range(500):
            order = order or 2  # 000 is never issued
            first17 = f"{region}{birth:%Y%m%d}{order:03d}"
            number = first17 + check_char(first17)
            if number not in self.taken:
                self.taken.add(number)
                return number
            order = (order + 2) % 1000
        raise RuntimeError("ID sequence space exhausted for one region and birth date")

    def passport(self, country: str) -> str:
        while True:
            if country == "korea":
                number = f"M{self.rng.randrange(10**8):08d}"
            else:
                number = f"T{self.rng.choice('KRZ')}{self.rng.randrange(10**7):07d}"
            if number not in self.taken:
                self.taken.add(number)
                return number

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.taken:
                self.taken.add(number)
                return number


@dataclass
class PeopleMaker:
    """Turns member shapes into persons rows for one community."""

    rng: random.Random
    names: NamePicker
    numbers: UniqueNumbers
    today: date
    community_id: int
    created_at: datetime
    _surnames: dict[str, str] = field(default_factory=dict)

    def context(self, population_type: str, head_age: int, home_text: str,
                after: date | None = None) -> HomeContext:
        """Origin and arrival date of a new household (arriving after `after`, when given)."""
        region = self._region(population_type)
        country = self.rng.choice(list(COUNTRIES)) if population_type == "overseas" else ""
        since = self._since(population_type, head_age) if after is None else self._since_after(after)
        return HomeContext(population_type, region, self._ethnicity(region, population_type), since,
                           self._registered_address(population_type, region, country, home_text),
                           country)

    def residents(self, shapes: list[MemberShape], home: HomeContext,
                  person_ids: Iterator[int]) -> list[Resident]:
        """The household's members, head first, with names sharing surnames by lineage."""
        self._surnames = {}
        return [self._resident(shape, home, next(person_ids)) for shape in shapes]

    def _resident(self, shape: MemberShape, home: HomeContext, person_id: int) -> Resident:
        birth = birth_for_age(self.rng, shape.age, self.today)
        joined = max(home.since, birth)
        row = {
            "id": person_id, "community_id": self.community_id,
            "name": self._name(shape, home, birth.year), "sex": "1" if shape.male else "2",
            "birth_date": birth, "ethnicity": self._member_ethnicity(shape, home),
            "phone": self._phone(shape.age), "population_type": home.population_type,
            "residence_state": self._residence_state(shape, home),
            "registered_address": home.registered_address,
            "political_status": self._political(shape.age, shape.male),
            "marital_status": shape.marital, "education": self._education(shape.age, home),
            "employment": self._employment(shape, home),
            "moved_in_on": None if birth >= home.since and home.population_type == "registered" else joined,
            "moved_out_on": None, "deceased_on": None, "notes": "",
            "created_at": self.created_at, "updated_at": self.created_at, "version": 1,
        }
        row.update(self._identity(home, birth, shape.male))
        return Resident(row, shape.relation, joined)

    # --- identity ---------------------------------------------------------------------------

    def _identity(self, home: HomeContext, birth: date, male: bool) -> dict[str, str]:
        if home.population_type == "overseas":
            return {"id_type": "passport", "id_number": self.numbers.passport(home.country)}
        # Most members were registered where the family comes from; some elsewhere.
        region = home.region if self.rng.random() < 0.7 else self._region(home.population_type)
        return {"id_type": "resident", "id_number": self.numbers.resident_id(region, birth, male)}

    def _name(self, shape: MemberShape, home: HomeContext, birth_year: int) -> str:
        if home.country:
            korean = home.country == "korea"
            surname = self._surname(shape.lineage, lambda: self.names.foreign_surname(korean))
            return surname + self.names.foreign_given(shape.male, korean)
        surname = self._surname(shape.lineage, self.names.surname)
        return self.names.full(surname, shape.male, birth_year)

    def _surname(self, lineage: str, draw: Callable[[], str]) -> str:
        """The surname of a lineage, drawn the first time a member of it is named."""
        if lineage not in self._surnames:
            self._surnames[lineage] = draw()
        return self._surnames[lineage]

    # --- household-level draws ---------------------------------------------------------------

    def _region(self, population_type: str) -> str:
        draw = self.rng.random()
        if population_type == "registered" and draw < 0.65:
            return HOME_DISTRICT
        if population_type == "registered" and draw < 0.85:
            return self.rng.choice(list(BEIJING_DISTRICTS))
        codes = list(OTHER_REGIONS)
        return self.rng.choices(codes, [OTHER_REGIONS[code][1] for code in codes])[0]

    def _ethnicity(self, region: str, population_type: str) -> str:
        if population_type == "overseas":
            return FOREIGN_ETHNICITY
        if region in REGION_ETHNICITY and self.rng.random() < 0.6:
            return REGION_ETHNICITY[region]
        if self.rng.random() < 0.045:
            return self.rng.choices(list(BEIJING_MINORITIES), list(BEIJING_MINORITIES.values()))[0]
        return HAN

    def _member_ethnicity(self, shape: MemberShape, home: HomeContext) -> str:
        # Spouses and in-laws come from other families: their ethnicity is drawn afresh.
        if shape.lineage.startswith("line") or shape.lineage == "spouse":
            return self._ethnicity(home.region, home.population_type) if self.rng.random() < 0.5 else home.ethnicity
        return home.ethnicity

    def _since(self, population_type: str, head_age: int) -> date:
        if population_type == "registered":
            earliest = max(date(1985, 1, 1), self.today - timedelta(days=365 * max(head_age - 20, 1)))
            latest = self.today - timedelta(days=200)
            if earliest >= latest:
                return latest
            return date.fromordinal(self.rng.randint(earliest.toordinal(), latest.toordinal()))
        days = self.rng.randint(60, 3650 if population_type == "floating" else 2000)
        return self.today - timedelta(days=days)

    def _since_after(self, after: date) -> date:
        """Moving into a home someone left: a week or more later, and not after today."""
        low = min(after + timedelta(days=7), self.today)
        return date.fromordinal(self.rng.randint(low.toordinal(), self.today.toordinal()))

    def _registered_address(self, population_type: str, region: str, country: str,
                            home_text: str) -> str:
        if population_type == "registered":
            return home_text
        if population_type == "overseas":
            return COUNTRIES[country]
        return region_name(region)

    # --- person details ----------------------------------------------------------------------

    def _phone(self, age: int) -> str:
        chance = 0.0 if age < 10 else 0.2 if age < 14 else 0.95 if age < 70 else 0.75 if age < 80 else 0.45
        return self.numbers.mobile() if self.rng.random() < chance else ""

    def _residence_state(self, shape: MemberShape, home: HomeContext) -> str:
        if home.population_type != "registered":
            return "person_only"  # 人在户不在: lives here, 户口 elsewhere
        # 户在人不在: mostly grown children studying or working elsewhere.
        away = 0.25 if shape.relation[0] in "23" and 18 <= shape.age <= 40 else 0.02
        return "household_only" if self.rng.random() < away else "both"

    def _political(self, age: int, male: bool) -> str:
        if age < 14:
            return ""
        draw = self.rng.random()
        if age <= 28:
            return "01" if draw < 0.06 else "03" if draw < 0.45 else "13"
        party = (0.15 if male else 0.09) + (0.04 if age >= 60 else 0.0)
        return "01" if draw < party else "12" if draw < party + 0.005 else "13"

    def _education(self, age: int, home: HomeContext) -> str:
        if age < 6:
            return ""
        if age < 18:
            return "80" if age < 12 else "70" if age < 15 else "60"
        if home.population_type == "overseas":
            return self.rng.choice(("20", "20", "10", "30"))
        table = _EDUCATION_OLD if age >= 65 else _EDUCATION_MID if age >= 35 else _EDUCATION_YOUNG
        return self.rng.choices(list(table), list(table.values()))[0]

    def _employment(self, shape: MemberShape, home: HomeContext) -> str:
        age = shape.age
        if age < 6:
            return "学龄前儿童"
        if age < 19 or (age < 23 and self.rng.random() < 0.6):
            return "在校学生"
        if age >= 60 or (age >= 55 and not shape.male):
            return "退休" if self.rng.random() < 0.85 else "无业"
        table = _JOBS.get(home.population_type, _JOBS["registered"])
        return self.rng.choices(list(table), list(table.values()))[0]


_EDUCATION_OLD = {"80": 30, "70": 30, "60": 20, "40": 8, "30": 5, "20": 5, "90": 2}
_EDUCATION_MID = {"70": 20, "60": 25, "40": 12, "30": 18, "20": 20, "10": 5}
_EDUCATION_YOUNG = {"60": 10, "40": 10, "30": 25, "20": 40, "10": 15}
_JOBS = {
    "registered": {"企业职员": 45, "机关事业单位": 15, "个体经营": 10, "灵活就业": 10, "待业": 6,
                   "自由职业": 8, "务农": 1},
    "floating": {"务工": 40, "个体经营": 25, "企业职员": 25, "灵活就业": 10},
    "overseas": {"外企职员": 60, "留学生": 25, "随任家属": 15},
}


def birth_for_age(rng: random.Random, age: int, today: date) -> date:
    """A birth date giving exactly `age` full years today (never in the future)."""
    latest = years_before(today, age)
    earliest = years_before(today, age + 1) + timedelta(days=1)
    return date.fromordinal(rng.randint(earliest.toordinal(), latest.toordinal()))


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def years_after(day: date, years: int) -> date:
    """The same calendar day `years` later (29 February becomes the 28th)."""
    return years_before(day, -years)


def at_nine(day: date) -> datetime:
    return datetime.combine(day, time(9, 0))


@dataclass(slots=True)
class DemoHousehold:
    """One generated household: its `households` row, home, shape and members (head first)."""

    row: dict[str, Any]
    home: Home
    shape: str
    residents: list[Resident]

    @property
    def id(self) -> int:
        return self.row["id"]

    @property
    def grid_index(self) -> int:
        return self.home.grid_index

    @property
    def head(self) -> Resident:
        return self.residents[0]

    def current(self) -> list[Resident]:
        return [resident for resident in self.residents if resident.current]
