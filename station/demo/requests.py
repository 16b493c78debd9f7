"""Demo residents' requests (居民诉求): a year of them in every state, with a consistent history.

Each request's events replay what the service would have written: received → assigned →
in_progress → closed → rated, sometimes reopened once. Deadlines come from the settings; most
requests close on time, a few late, and some open ones are at risk (临期) or overdue (超期).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from station.demo.people import DemoHousehold, Resident
from station.requests.workflow import SATISFACTIONS
from station.settings import Settings

URGENCY_WEIGHTS = {"urgent": 8, "normal": 62, "enquiry": 30}
CHANNEL_WEIGHTS = {"window": 45, "phone": 35, "grid_report": 20}
SATISFACTION_WEIGHTS = {"very_satisfied": 45, "satisfied": 35, "basic": 15, "unsatisfied": 5}
CATEGORY_WEIGHTS = {"property": 25, "environment": 15, "safety": 6, "dispute": 8, "assistance": 8,
                    "elderly": 10, "health": 6, "policy": 15, "other": 7}
REQUESTS_PER_HOUSEHOLD_YEAR = 0.25
HISTORY_DAYS = 365

DESCRIPTIONS = {
    "property": ("楼道灯不亮，晚上出行不便。", "家中水管漏水，影响楼下住户。", "电梯经常停运，老人上下楼困难。"),
    "environment": ("小区垃圾清运不及时，有异味。", "楼下绿地有人私搭乱建。", "楼道堆放杂物，存在安全隐患。"),
    "safety": ("小区门禁损坏，外来人员随意进出。", "楼下电动车飞线充电。", "路口路灯损坏，夜间存在安全隐患。"),
    "dispute": ("楼上装修噪音扰民。", "邻居占用公共车位。", "邻居家宠物扰民。"),
    "assistance": ("咨询低保申请条件和所需材料。", "家中突发困难，申请临时救助。", "咨询残疾人补贴办理。"),
    "elderly": ("申请老年助餐服务。", "咨询居家养老上门服务。", "为独居父亲申请紧急呼叫设备。"),
    "health": ("咨询家庭医生签约。", "咨询慢病长处方办理。", "咨询疫苗接种时间和地点。"),
    "policy": ("咨询居住证办理流程。", "咨询新生儿落户手续。", "咨询公租房申请条件。"),
    "other": ("反映快递柜设置不合理。", "建议增设休闲座椅。", "咨询社区活动报名方式。"),
}
RESULTS = ("已联系相关单位处理完毕，并向居民反馈。", "已答复居民咨询，居民表示清楚。",
           "已协调物业维修完成。", "已上门核实并协助办理完毕。")
FEEDBACK = {"very_satisfied": "处理及时，非常满意", "satisfied": "满意", "basic": "基本解决",
            "unsatisfied": "处理时间太长"}


@dataclass(frozen=True)
class Staff:
    """Accounts that take part in requests: receivers, dispatchers, handlers, callers-back."""

    grid_workers: dict[int, int]  # grid id → grid worker's user id
    director_id: int
    staff_id: int
    clerk_id: int
    names: dict[int, str]


class RequestMaker:
    """Collects request candidates household by household, then writes them in time order."""

    def __init__(self, rng: random.Random, now: datetime, settings: Settings, community_id: int,
                 staff: Staff):
        self.rng = rng
        self.now = now
        self.settings = settings
        self.community_id = community_id
        self.staff = staff
        self.pending: list[dict[str, Any]] = []
        self.categories = list(settings.requests.categories)

    def consider(self, household: DemoHousehold, grid_id: int) -> None:
        """Draw this household's requests of the past year (about one in four households)."""
        current = household.current()
        if not current:
            return
        count = _poisson(self.rng, REQUESTS_PER_HOUSEHOLD_YEAR)
        for _ in range(count):
            self.pending.append(self._base(household, grid_id, current))

    def rows(self, ids: Iterator[int]) -> tuple[list[dict], list[dict], dict[str, int]]:
        """(request rows, event rows, counter values per day) numbered S<day>-0001 in time order."""
        fresh = self._freshen()
        self.pending.sort(key=lambda row: row["received_at"])
        per_day: Counter[str] = Counter()
        requests, events = [], []
        for request in self.pending:
            day = f"{request['received_at']:%Y%m%d}"
            per_day[day] += 1
            request["id"] = next(ids)
            request["number"] = f"S{day}-{per_day[day]:04d}"
            events += self._history(request, fresh.get(id(request)))
            requests.append(request)
        counters = {f"request-{day}": value for day, value in per_day.items()}
        return requests, events, counters

    def _freshen(self) -> dict[int, str]:
        """Each grid's two newest requests came in just now: one waits to be assigned, the other
        to be started (so every state shows). Returns their forced states by id(request)."""
        by_grid: dict[int, list[dict[str, Any]]] = {}
        for request in self.pending:
            by_grid.setdefault(request["grid_id"], []).append(request)
        forced: dict[int, str] = {}
        for requests in by_grid.values():
            newest = sorted(requests, key=lambda row: row["received_at"], reverse=True)[:2]
            for request, state in zip(newest, ("received", "assigned"), strict=False):
                received_at = self.now - timedelta(minutes=self.rng.randint(10, 180))
                hours = self.settings.deadline_hours(request["category"], request["urgency"])
                request.update(received_at=received_at, deadline_at=received_at + timedelta(hours=hours))
                forced[id(request)] = state
        return forced

    # --- one request ------------------------------------------------------------------------

    def _base(self, household: DemoHousehold, grid_id: int,
              current: list[Resident]) -> dict[str, Any]:
        category = self._category()
        urgency = _weighted(self.rng, URGENCY_WEIGHTS)
        channel = _weighted(self.rng, CHANNEL_WEIGHTS)
        received_at = self._received_at(channel)
        contact = self.rng.choice(current).row
        anonymous = channel == "grid_report" and self.rng.random() < 0.4
        return {
            "community_id": self.community_id, "grid_id": grid_id, "channel": channel,
            "category": category, "urgency": urgency,
            "description": self.rng.choice(DESCRIPTIONS.get(category, DESCRIPTIONS["other"])),
            "contact_name": "" if anonymous else contact["name"],
            "contact_phone": "" if anonymous else (contact["phone"] or household.row["phone"]),
            "household_id": None if anonymous else household.id,
            "person_id": None if anonymous else contact["id"],
            "received_by_id": self._receiver(channel, grid_id), "received_at": received_at,
            "deadline_at": received_at + timedelta(hours=self.settings.deadline_hours(category, urgency)),
            "version": 1,
        }

    def _history(self, request: dict[str, Any], forced: str | None) -> list[dict[str, Any]]:
        """Choose the state the request has reached by now and write the events that led there."""
        received_at, deadline = request["received_at"], request["deadline_at"]
        limit = deadline - received_at
        elapsed = self.now - received_at
        state = forced or self._state(elapsed, limit)
        events = [self._event(request, "", "received", received_at, request["received_by_id"], "")]
        request.update(state="received", assignee_id=None, closed_at=None, result="",
                       satisfaction="", feedback="", reopen_count=0)
        if state == "received":
            return events
        assignee = self._assignee(request["grid_id"])
        assigned_at = received_at + min(elapsed * 0.2, limit * 0.1, timedelta(hours=2)) * self.rng.uniform(0.2, 1)
        request.update(state="assigned", assignee_id=assignee)
        events.append(self._event(request, "received", "assigned", assigned_at, self._dispatcher(),
                                  f"分派给{self.staff.names[assignee]}"))
        if state == "assigned":
            return events
        return events + self._handling(request, state, assigned_at, assignee)

    def _handling(self, request: dict[str, Any], state: str, assigned_at: datetime,
                  assignee: int) -> list[dict[str, Any]]:
        received_at, limit = request["received_at"], request["deadline_at"] - request["received_at"]
        close_by = received_at + limit * (self.rng.uniform(0.1, 0.95) if self.rng.random() < 0.88
                                          else self.rng.uniform(1.05, 2.5))
        close_by = min(close_by, self.now - (self.now - assigned_at) * 0.05)
        started_at = assigned_at + (max(close_by, assigned_at) - assigned_at) * self.rng.uniform(0.05, 0.4)
        started_at = min(started_at, self.now)
        request["state"] = "in_progress"
        events = [self._event(request, "assigned", "in_progress", started_at, assignee, "")]
        if state == "in_progress":
            return events
        closed_at = max(close_by, started_at)
        events += self._close(request, closed_at, assignee)
        if self.rng.random() < 0.03 and closed_at < self.now - timedelta(days=4):
            events += self._reopen(request, closed_at, assignee)
        if state == "rated":
            events += self._rate(request)
        return events

    def _close(self, request: dict[str, Any], at: datetime, assignee: int) -> list[dict[str, Any]]:
        result = self.rng.choice(RESULTS)
        request.update(state="closed", closed_at=at, result=result)
        return [self._event(request, "in_progress", "closed", at, assignee, result)]

    def _reopen(self, request: dict[str, Any], closed_at: datetime, assignee: int) -> list[dict[str, Any]]:
        """Reopened once because the problem came back, then closed again (late: same deadline)."""
        reopened_at = closed_at + timedelta(hours=self.rng.randint(24, 72))
        request["reopen_count"] = 1
        event = self._event(request, "closed", "in_progress", reopened_at, self.staff.staff_id,
                            "居民反映问题未彻底解决")
        return [event, *self._close(request, reopened_at + timedelta(hours=self.rng.randint(4, 24)), assignee)]

    def _rate(self, request: dict[str, Any]) -> list[dict[str, Any]]:
        at = min(request["closed_at"] + timedelta(hours=self.rng.uniform(2, 72)), self.now)
        satisfaction = _weighted(self.rng, SATISFACTION_WEIGHTS)
        feedback = FEEDBACK[satisfaction]
        request.update(state="rated", satisfaction=satisfaction, feedback=feedback)
        caller = self.rng.choice((self.staff.clerk_id, self.staff.staff_id))
        return [self._event(request, "closed", "rated", at, caller, f"{SATISFACTIONS[satisfaction]} {feedback}")]

    def _state(self, elapsed: timedelta, limit: timedelta) -> str:
        """Old requests are done (a few stuck overdue); recent ones are still moving."""
        if elapsed > limit * 3 or elapsed > timedelta(days=20):
            if self.rng.random() < 0.005:
                return "in_progress"  # stuck: long overdue
            return "rated" if self.rng.random() < 0.9 else "closed"
        progress = elapsed / limit if limit else 1.0
        draw = self.rng.random()
        if draw < 0.15 * max(0.0, 1 - progress):
            return "received"
        if draw < 0.35 * max(0.2, 1 - progress):
            return "assigned"
        if draw < 0.6:
            return "in_progress" if progress < 1.5 or self.rng.random() < 0.3 else "closed"
        return "closed" if elapsed < timedelta(days=3) or self.rng.random() < 0.3 else "rated"

    # --- people and times -------------------------------------------------------------------

    def _received_at(self, channel: str) -> datetime:
        day = self.now.date() - timedelta(days=int(self.rng.triangular(0, HISTORY_DAYS, 0)))
        hour = self.rng.randint(0, 23) if channel == "phone" else self.rng.randint(8, 17)
        at = datetime(day.year, day.month, day.day, hour, self.rng.randint(0, 59))
        return at if at <= self.now else self.now - timedelta(minutes=self.rng.randint(5, 300))

    def _receiver(self, channel: str, grid_id: int) -> int:
        if channel == "grid_report":
            return self.staff.grid_workers[grid_id]
        if channel == "window":
            return self.staff.clerk_id
        return self.rng.choice((self.staff.clerk_id, self.staff.staff_id))

    def _assignee(self, grid_id: int) -> int:
        draw = self.rng.random()
        if draw < 0.7:
            return self.staff.grid_workers[grid_id]
        return self.staff.staff_id if draw < 0.9 else self.staff.director_id

    def _dispatcher(self) -> int:
        return self.staff.director_id if self.rng.random() < 0.4 else self.staff.staff_id

    def _category(self) -> str:
        return self.rng.choices(self.categories, [CATEGORY_WEIGHTS.get(c, 5) for c in self.categories])[0]

    def _event(self, request: dict[str, Any], from_state: str, to_state: str, at: datetime,
               user_id: int, note: str) -> dict[str, Any]:
        return {"request_id": request["id"], "from_state": from_state, "to_state": to_state,
                "at": at, "user_id": user_id, "note": note}


def _weighted(rng: random.Random, table: dict[str, int]) -> str:
    return rng.choices(list(table), list(table.values()))[0]


def _poisson(rng: random.Random, mean: float) -> int:
    """A small Poisson draw (Knuth's method; the mean here is well below one)."""
    threshold, product, count = 2.718281828459045 ** -mean, rng.random(), 0
    while product > threshold:
        count += 1
        product *= rng.random()
    return count
