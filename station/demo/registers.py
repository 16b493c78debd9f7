"""Demo register entries (重点人群): who fits which register, since when, and why some ended.

Age-based registers follow the rules exactly (80+ 高龄, 60+ living alone 独居, an all-60+ couple
空巢); the others are drawn at realistic rates (残疾人 rising with age, 低保 per household).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from station.demo.people import DemoHousehold, Resident, years_after, years_before
from station.idcard import age_on
from station.settings import Settings

# Disability categories 1-7 and grades 1-4 (一级 most severe), weighted like the national survey.
DISABILITY_CATEGORIES = {"1": 12, "2": 15, "3": 2, "4": 50, "5": 8, "6": 8, "7": 5}
DISABILITY_GRADES = {"1": 10, "2": 20, "3": 35, "4": 35}
# Beijing's 低保 standard is about 1,450 yuan a month per person; payments top incomes up to it.
DIBAO_STANDARD = 1450
LEDGER_YEARS = 6  # the registers were started this many years ago
DEATH, MOVED_OUT, ABOVE_STANDARD = "死亡", "迁出", "家庭收入超过保障标准"


class RegisterMaker:
    """Register entries for one household at a time."""

    def __init__(self, rng: random.Random, today: date, settings: Settings, community_id: int,
                 created_at: datetime):
        self.rng = rng
        self.today = today
        self.settings = settings
        self.community_id = community_id
        self.created_at = created_at
        self.ledger_start = years_before(today, LEDGER_YEARS)
        self.categories = settings.registers.categories
        self._schemes = 0

    def entries(self, household: DemoHousehold, worker_id: int | None) -> list[dict[str, Any]]:
        """Rows for `register_entries`; ended entries too (deaths, moves, income above standard)."""
        found: list[tuple[Resident, str, date, dict[str, Any]]] = []
        for resident in household.residents:
            found += [(resident, *entry) for entry in self._personal(household, resident)]
        found += self._assistance(household, any(e[1] == "disabled" for e in found))
        rows = []
        for resident, category, start, attributes in found:
            row = self._row(resident, category, start, attributes, worker_id)
            if row is not None:
                rows.append(row)
        return rows

    # --- who fits ---------------------------------------------------------------------------

    def _personal(self, household: DemoHousehold, resident: Resident):
        person = resident.row
        birth, until = person["birth_date"], self._until(resident)
        age = age_on(birth, until)
        if age >= 80:
            yield "oldest_old", self._start_from(resident, years_after(birth, 80)), {}
        if age >= 60 and len(household.residents) == 1:
            yield "elderly_alone", self._start_from(resident, years_after(birth, 60)), {}
        if age >= 60 and len(household.residents) >= 2 and self._all_elderly(household, until):
            yield "empty_nest", self._start_from(resident, years_after(birth, 60)), {}
        if person["id_type"] == "resident" and self.rng.random() < _disability_rate(age):
            yield "disabled", self._random_start(resident), self._disability(person["id_number"])
        if age < 16 and household.shape == "left_behind" and resident.relation[0] == "4":
            head = household.head.row
            yield "left_behind_child", self._random_start(resident), _guardian(head)
        if age >= 65 and len(household.residents) == 1 and self.rng.random() < 0.04:
            yield "tekun_scattered", self._random_start(resident), self._payment(0.8)
        if age >= 40 and self.rng.random() < (0.012 if person["sex"] == "1" else 0.001):
            yield "entitled", self._random_start(resident), {"类别": "退役军人"}

    def _assistance(self, household: DemoHousehold, has_disabled: bool):
        """低保 (or 低保边缘) covers the whole household; their children may be 困境儿童."""
        if household.row["kind"] != "registered":
            return []
        rate = 0.015 + (0.06 if has_disabled else 0) + (0.03 if len(household.residents) == 1 else 0)
        draw = self.rng.random()
        if draw < rate:
            category = "dibao_rural" if household.home.kind == "village_group" else "dibao_urban"
        elif draw < rate + 0.008:
            category = "dibao_edge"
        else:
            return []
        self._schemes += 1
        scheme = f"低保{self.today.year - self.rng.randint(0, 4)}-{self._schemes:05d}"
        found = []
        for resident in household.residents:
            attributes = {"scheme_no": scheme, **self._payment(0.6 if category != "dibao_edge" else 0)}
            found.append((resident, category, self._random_start(resident), attributes))
            if category != "dibao_edge" and age_on(resident.row["birth_date"], self.today) < 18:
                found.append((resident, "child_in_difficulty", self._random_start(resident),
                              {"类型": "低保家庭儿童"}))
        return found

    # --- rows and dates ---------------------------------------------------------------------

    def _row(self, resident: Resident, category: str, start: date, attributes: dict[str, Any],
             worker_id: int | None) -> dict[str, Any] | None:
        if category not in self.categories:
            return None
        end_on, reason = self._end(resident, category, start)
        if end_on is not None and end_on < start:
            return None  # they left before they would have been registered
        return {
            "community_id": self.community_id, "person_id": resident.row["id"],
            "category": category, "start_on": start, "end_on": end_on, "end_reason": reason,
            "worker_id": worker_id, "visit_every_days": self.settings.visit_every_days(category),
            "attributes": attributes, "notes": "", "created_at": self.created_at, "version": 1,
        }

    def _end(self, resident: Resident, category: str, start: date) -> tuple[date | None, str]:
        if resident.left_on is not None:
            return resident.left_on, DEATH if resident.row["deceased_on"] else MOVED_OUT
        if category.startswith("dibao") and start < self.today - timedelta(days=400) and self.rng.random() < 0.1:
            return self._between(start + timedelta(days=180), self.today), ABOVE_STANDARD
        return None, ""

    def _until(self, resident: Resident) -> date:
        return resident.left_on or self.today

    def _start_from(self, resident: Resident, eligible: date) -> date:
        """Registered soon after becoming eligible (or arriving, or the ledger starting)."""
        earliest = max(eligible, resident.joined_on, self.ledger_start)
        start = earliest + timedelta(days=self.rng.randint(0, 90))
        return min(start, self._until(resident))

    def _random_start(self, resident: Resident) -> date:
        earliest = max(resident.joined_on, self.ledger_start, resident.row["birth_date"])
        return self._between(earliest, self._until(resident))

    def _between(self, first: date, last: date) -> date:
        if first >= last:
            return last
        return date.fromordinal(self.rng.randint(first.toordinal(), last.toordinal()))

    def _all_elderly(self, household: DemoHousehold, on: date) -> bool:
        return all(age_on(r.row["birth_date"], on) >= 60 for r in household.residents)

    # --- attributes -------------------------------------------------------------------------

    def _disability(self, id_number: str) -> dict[str, str]:
        category = _weighted(self.rng, DISABILITY_CATEGORIES)
        grade = _weighted(self.rng, DISABILITY_GRADES)
        return {"disability_category": category, "disability_grade": grade,
                "certificate_no": f"{id_number}{category}{grade}"}

    def _payment(self, share_of_standard: float) -> dict[str, str]:
        if share_of_standard <= 0:
            return {}
        amount = round(DIBAO_STANDARD * self.rng.uniform(share_of_standard * 0.4, share_of_standard), -1)
        return {"monthly_amount": f"{amount:.2f}"}


def _disability_rate(age: int) -> float:
    """Share of people with a disability certificate, rising steeply with age."""
    return 0.008 if age < 18 else 0.02 if age < 60 else 0.05 if age < 80 else 0.09


def _guardian(head: dict[str, Any]) -> dict[str, str]:
    values = {"guardian": head["name"]}
    if head["phone"]:
        values["guardian_phone"] = head["phone"]
    return values


def _weighted(rng: random.Random, table: dict[str, int]) -> str:
    return rng.choices(list(table), list(table.values()))[0]
