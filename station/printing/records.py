"""Plain records for printed forms: every code is a name and every ID and phone already masked."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from station.audit_chain import AuditAnchor
from station.month_locks import MonthLockRecord
from station.stats.month_records import DailyCounts, GridMonthRow, MonthChecks, StreetMonth
from station.stats.records import MonthFigures


@dataclass(frozen=True)
class Letterhead:
    """Who prints, for whom and when: the header and footer of every page."""

    community_id: int
    station_name: str
    community_name: str
    street: str
    station_phone: str
    printed_at: datetime
    printed_by: str


@dataclass(frozen=True)
class MemberLine:
    name: str
    relation: str
    sex: str
    birth_date: date | None
    ethnicity: str
    id_number: str  # masked
    phone: str  # masked
    population_type: str


@dataclass(frozen=True)
class RegisterLine:
    """One register entry with its typed attributes as (label, value) pairs, values masked."""

    person_name: str
    category_name: str
    start_on: date
    end_on: date | None
    end_reason: str
    worker_name: str
    visit_every_days: int
    last_visit_on: date | None
    next_visit_due: date | None
    attributes: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class VisitLine:
    """A visit done or planned, or a register visit due (source: done | plan | register)."""

    source: str
    day: date  # done, else planned, else due
    done_on: date | None
    household_number: str
    address: str
    person_name: str
    kind_name: str  # or the register's name for a due visit
    worker_name: str
    content: str  # masked


@dataclass(frozen=True)
class HouseholdForm:
    """住户信息登记表; blank=True prints empty lines for field use."""

    letterhead: Letterhead
    blank: bool
    household_id: int | None = None
    number: str = ""
    grid_name: str = ""
    address: str = ""
    kind_name: str = ""
    status_name: str = ""
    phone: str = ""
    notes: str = ""
    members: tuple[MemberLine, ...] = ()
    registers: tuple[RegisterLine, ...] = ()


@dataclass(frozen=True)
class PersonFile:
    """重点人群档案卡: one person with household, register entries and the last visits."""

    letterhead: Letterhead
    person_id: int
    name: str
    sex: str
    birth_date: date
    age: int
    ethnicity: str
    id_number: str  # masked
    phone: str  # masked
    population_type: str
    residence_state: str
    political_status: str
    education: str
    marital_status: str
    employment: str
    status: str  # 在住 / 迁出 / 死亡
    household_number: str
    relation: str
    grid_name: str
    address: str
    household: tuple[MemberLine, ...]
    registers: tuple[RegisterLine, ...]
    visits: tuple[VisitLine, ...]


@dataclass(frozen=True)
class VisitSheet:
    """走访记录表 of one worker for a period; blank=True prints empty lines."""

    letterhead: Letterhead
    blank: bool
    worker_id: int | None = None
    worker_name: str = ""
    grid_names: str = ""
    date_from: date | None = None
    date_to: date | None = None
    lines: tuple[VisitLine, ...] = ()


@dataclass(frozen=True)
class RequestReceipt:
    """居民诉求受理回执: what the resident takes home, with the station's contact."""

    letterhead: Letterhead
    request_id: int
    number: str
    received_at: datetime
    channel_name: str
    category_name: str
    urgency_name: str
    deadline_at: datetime
    description: str  # masked
    contact_name: str
    contact_phone: str  # masked
    grid_name: str
    received_by: str


@dataclass(frozen=True)
class MonthReport:
    """Everything the monthly report prints, code names resolved."""

    letterhead: Letterhead
    scope_name: str  # the community's name, or the grid's
    grid_code: str  # "" for the whole community
    figures: MonthFigures
    grids: tuple[GridMonthRow, ...]  # empty for one grid's report
    daily: DailyCounts
    checks: MonthChecks
    lock: MonthLockRecord | None
    population_names: dict[str, str] = field(default_factory=dict)
    visit_kind_names: dict[str, str] = field(default_factory=dict)
    satisfaction_names: dict[str, str] = field(default_factory=dict)
    role_names: dict[str, str] = field(default_factory=dict)
    audit: AuditAnchor | None = None  # the audit log's head when printed: the anchor on paper


@dataclass(frozen=True)
class StreetReport:
    """街道各社区月度统计汇总表: every community's figures side by side, with the street's totals."""

    letterhead: Letterhead
    street_name: str
    month: StreetMonth
    population_names: dict[str, str] = field(default_factory=dict)
    visit_kind_names: dict[str, str] = field(default_factory=dict)
    satisfaction_names: dict[str, str] = field(default_factory=dict)
    audit: AuditAnchor | None = None
