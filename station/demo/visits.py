"""Demo service log: twelve months of visits, mostly by the grid's worker, as often as registers ask.

Visits follow each register person's frequency with realistic slack (some months are missed,
weekly ones most often); a few households get ordinary visits; some visits are planned ahead.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from station.demo.people import DemoHousehold

HISTORY_DAYS = 365
SKIP_CHANCE = 0.1  # a planned round that did not happen

CONTENT: dict[str, tuple[str, ...]] = {
    "home_visit": ("入户走访，身体状况良好，生活能自理。", "上门看望，了解近期生活情况，暂无特殊需求。",
                   "入户查看居住环境，提醒注意用电用气安全。", "走访了解家庭情况，登记近期需求。"),
    "phone_visit": ("电话问候，精神状态良好。", "电话联系，询问近期身体和用药情况。",
                    "电话探访，提醒天气变化注意保暖防暑。"),
    "proxy": ("代办高龄津贴申领手续。", "协助办理医保报销材料。", "代缴水电燃气费用。"),
    "policy": ("宣传残疾人两项补贴政策。", "讲解养老助餐服务申请流程。", "宣传防范电信诈骗知识。"),
    "mediation": ("调解与邻居因噪音引起的纠纷，双方达成谅解。", "协调楼上漏水问题，已联系物业维修。"),
    "assistance": ("送去米面油等慰问物资。", "了解家庭收入变化，核对救助材料。", "协助申请临时救助。"),
    "health": ("陪同社区医生上门测量血压血糖。", "联系家庭医生签约服务，开展健康评估。"),
    "other": ("节日慰问。", "协助安装紧急呼叫设备。"),
}
# Kinds of visit by how often the person must be seen, and for ordinary household visits.
FREQUENT_KINDS = {"phone_visit": 55, "home_visit": 40, "health": 5}
REGULAR_KINDS = {"home_visit": 62, "phone_visit": 18, "health": 6, "policy": 5, "proxy": 5, "assistance": 4}
HOUSEHOLD_KINDS = {"home_visit": 50, "policy": 25, "mediation": 10, "other": 15}


class VisitMaker:
    """Visit rows for one household at a time."""

    def __init__(self, rng: random.Random, today: date, community_id: int, helper_ids: list[int]):
        self.rng = rng
        self.today = today
        self.community_id = community_id
        self.helper_ids = helper_ids  # director and staff: they go along sometimes
        self.first_day = today - timedelta(days=HISTORY_DAYS - 1)

    def visits(self, household: DemoHousehold, grid_id: int, worker_id: int,
               entry_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        by_person: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for entry in entry_rows:
            by_person[entry["person_id"]].append(entry)
        rows = []
        for person_id, entries in by_person.items():
            for day, kind in self._register_rounds(entries):
                rows.append(self._row(household, grid_id, worker_id, person_id, kind, day))
            rows += self._planned(household, grid_id, worker_id, person_id, entries)
        if self.rng.random() < 0.35 and household.head.current:
            day = self._day_between(max(self.first_day, household.head.joined_on), self.today)
            kind = _weighted(self.rng, HOUSEHOLD_KINDS)
            rows.append(self._row(household, grid_id, worker_id, None, kind, day))
        return rows

    def _register_rounds(self, entries: list[dict[str, Any]]):
        """(day, kind) of each done visit: every `visit_every_days` or a little sooner."""
        day = max(self.first_day, min(e["start_on"] for e in entries))
        last = min(self.today, max(e["end_on"] or self.today for e in entries))
        day += timedelta(days=self.rng.randint(0, 6))
        # Most people are seen a little more often than required; some are often seen late.
        slack = (0.8, 1.5) if self.rng.random() < 0.2 else (0.6, 1.0)
        while day <= last:
            active = [e for e in entries if e["start_on"] <= day and (e["end_on"] is None or day <= e["end_on"])]
            if not active:
                day += timedelta(days=7)
                continue
            every = min(e["visit_every_days"] for e in active)
            if self.rng.random() >= SKIP_CHANCE:
                yield day, self._kind(every, active)
            day += timedelta(days=max(1, round(every * self.rng.uniform(*slack))))

    def _kind(self, every: int, active: list[dict[str, Any]]) -> str:
        if every <= 14:
            return _weighted(self.rng, FREQUENT_KINDS)
        if any(e["category"].startswith(("dibao", "tekun")) for e in active) and self.rng.random() < 0.3:
            return "assistance"
        return _weighted(self.rng, REGULAR_KINDS)

    def _planned(self, household: DemoHousehold, grid_id: int, worker_id: int, person_id: int,
                 entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Some open entries have a visit planned in the next two weeks (a few left overdue)."""
        if any(e["end_on"] is not None for e in entries) or self.rng.random() >= 0.18:
            return []
        offset = self.rng.randint(1, 14) if self.rng.random() < 0.85 else -self.rng.randint(1, 20)
        row = self._row(household, grid_id, worker_id, person_id, "home_visit", None)
        row["planned_on"] = self.today + timedelta(days=offset)
        row["content"] = "计划入户走访"
        row["created_at"] = _at(min(self.today, row["planned_on"]) - timedelta(days=3), 10)
        return [row]

    def _row(self, household: DemoHousehold, grid_id: int, worker_id: int, person_id: int | None,
             kind: str, done_on: date | None) -> dict[str, Any]:
        planned = done_on - timedelta(days=self.rng.randint(0, 3)) if done_on and self.rng.random() < 0.3 else None
        follow_up = None
        if done_on and self.rng.random() < 0.05:
            follow_up = done_on + timedelta(days=self.rng.randint(7, 30))
        return {
            "community_id": self.community_id, "grid_id": grid_id, "household_id": household.id,
            "person_id": person_id, "worker_id": self._worker(worker_id), "kind": kind,
            "planned_on": planned, "done_on": done_on,
            "content": self.rng.choice(CONTENT[kind]) if done_on else "",
            "follow_up_on": follow_up, "created_at": _at(done_on or self.today, 17), "version": 1,
        }

    def _worker(self, grid_worker_id: int) -> int:
        if self.helper_ids and self.rng.random() < 0.12:
            return self.rng.choice(self.helper_ids)
        return grid_worker_id

    def _day_between(self, first: date, last: date) -> date:
        if first >= last:
            return last
        return date.fromordinal(self.rng.randint(first.toordinal(), last.toordinal()))


def _weighted(rng: random.Random, table: dict[str, int]) -> str:
    return rng.choices(list(table), list(table.values()))[0]


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0))
