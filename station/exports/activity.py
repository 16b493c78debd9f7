"""Activity exports: register entries, visits and residents' requests, as the staff read them.

Registers and requests reuse the services' records (tens of thousands of rows at most); visits,
which reach hundreds of thousands, are read with a plain column query and streamed. Register
attributes are left out: a 残疾人证号 contains the full ID number.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select, func, select

from models import Grid, Household, Person, User, Visit
from station.codes import sexes
from station.exports.common import (
    ExportRows,
    blank,
    count_rows,
    free_text,
    mask_id_cell,
    mask_phone_cell,
    stream,
)
from station.registers.entries import list_entries
from station.registers.records import RegisterEntryRecord
from station.requests.queries import list_requests
from station.requests.records import RequestRecord
from station.scope import scope_conditions
from station.uow import UnitOfWork
from station.visits.log import VISIT_KINDS

REGISTER_HEADERS = ("类别", "姓名", "公民身份号码", "性别", "出生日期", "联系电话", "户号", "网格", "地址",
                    "登记日期", "结束日期", "结束原因", "责任人", "走访周期(天)", "最近走访",
                    "下次走访", "走访状态", "备注")
VISIT_HEADERS = ("完成日期", "计划日期", "类型", "网格", "户号", "对象", "走访人", "内容", "跟进日期")
REQUEST_HEADERS = ("编号", "受理时间", "渠道", "类别", "紧急程度", "网格", "诉求内容", "联系人",
                   "联系电话", "状态", "办理人", "办理期限", "办结时间", "办理结果", "满意度",
                   "回访意见", "重开次数", "时效")
VISIT_STATES = {"ok": "正常", "due_soon": "即将到期", "overdue": "已逾期"}
TIMINGS = {"on_time": "正常", "at_risk": "临期", "overdue": "超期", "closed_on_time": "按期办结",
           "closed_late": "超期办结"}


def register_rows(uow: UnitOfWork, grid_id: int | None, masked: bool) -> ExportRows:
    """Every register entry (ended ones too) the actor may see."""
    entries = list_entries(uow, open_only=False, grid_id=grid_id)
    names = sexes()
    headers = tuple("年龄" if h == "出生日期" and masked else h for h in REGISTER_HEADERS)
    return ExportRows(headers, len(entries), (_register_row(e, names, masked) for e in entries))


def request_rows(uow: UnitOfWork, grid_id: int | None, masked: bool) -> ExportRows:
    """Every request the actor may see, urgent first, then by deadline."""
    requests = list_requests(uow, grid_id=grid_id)
    return ExportRows(REQUEST_HEADERS, len(requests), (_request_row(r, masked) for r in requests))


def visit_rows(uow: UnitOfWork, grid_id: int | None, masked: bool) -> ExportRows:
    """Every visit (done and planned), newest first."""
    query = _visit_query(uow, grid_id)

    def rows() -> Iterator[tuple[Any, ...]]:
        for done_on, planned_on, kind, grid, number, person, worker, content, follow_up in stream(uow, query):
            yield (done_on, planned_on, VISIT_KINDS.get(kind, kind), grid, blank(number),
                   blank(person), worker, free_text(content, masked), follow_up)

    return ExportRows(VISIT_HEADERS, count_rows(uow, query), rows())


def _register_row(entry: RegisterEntryRecord, sex_names: dict[str, str], masked: bool) -> tuple[Any, ...]:
    return (
        entry.category_name, entry.person_name,
        mask_id_cell(entry.id_number) if masked else entry.id_number,
        sex_names.get(entry.sex, entry.sex), entry.age if masked else entry.birth_date,
        mask_phone_cell(entry.phone) if masked else blank(entry.phone),
        blank(entry.household_number), blank(entry.grid_name), blank(entry.address),
        entry.start_on, entry.end_on, free_text(entry.end_reason, masked), blank(entry.worker_name),
        entry.visit_every_days, entry.last_visit_on, entry.next_visit_due,
        VISIT_STATES.get(entry.visit_state) or None, free_text(entry.notes, masked),
    )


def _request_row(request: RequestRecord, masked: bool) -> tuple[Any, ...]:
    return (
        request.number, request.received_at, request.channel_name, request.category_name,
        request.urgency_name, blank(request.grid_name), free_text(request.description, masked),
        blank(request.contact_name),
        mask_phone_cell(request.contact_phone) if masked else blank(request.contact_phone),
        request.state_name, blank(request.assignee_name), request.deadline_at, request.closed_at,
        free_text(request.result, masked), blank(request.satisfaction_name),
        free_text(request.feedback, masked),
        request.reopen_count, TIMINGS.get(request.timing, request.timing),
    )


def _visit_query(uow: UnitOfWork, grid_id: int | None) -> Select:
    day = func.coalesce(Visit.done_on, Visit.planned_on)
    return (
        select(Visit.done_on, Visit.planned_on, Visit.kind, Grid.name, Household.number, Person.name,
               User.display_name, Visit.content, Visit.follow_up_on)
        .join(Grid, Grid.id == Visit.grid_id)
        .outerjoin(Household, Household.id == Visit.household_id)
        .outerjoin(Person, Person.id == Visit.person_id)
        .join(User, User.id == Visit.worker_id)
        .where(*scope_conditions(uow, Visit.community_id, Visit.grid_id, grid_id))
        .order_by(day.desc(), Visit.id.desc())
    )
