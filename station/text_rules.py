"""What typed or imported text may hold: one rule per text column, its limit read off the model.

Every String column of models/ has a rule here (a test holds the table to the schema). A name
(person, account, place, address, 户号) is shown in lists, printouts and the terminal, so
control, bidi-override and zero-width characters in it are refused: a name such as
"\\x1b[2J红" would clear the screen of whoever lists it, and a right-to-left override would show
another name than the one stored. Free text (notes, visit content, request descriptions and
results, reasons) loses those characters silently but keeps its line breaks. Codes and internal
values are set by the program from fixed tables; only their length is checked here.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from sqlalchemy import String

from models import Base
from station.errors import ValidationError

NAME, FREE, CODE, INTERNAL = "name", "free", "code", "internal"
# Cc: C0/C1 controls (ESC, BEL, CR, NUL); Cf: format characters, which include the bidi
# overrides and isolates (U+202A-202E, U+2066-2069), zero-width space/joiners and the BOM;
# Cs: lone surrogates; Zl/Zp: Unicode line and paragraph separators.
UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_FREE_TEXT_KEEPS = {"\n": "\n", "\t": " ", "\u2028": "\n", "\u2029": "\n"}


@dataclass(frozen=True)
class TextRule:
    """How one column's text is checked: its kind, and the field and label errors name."""

    column: str  # "table.column"
    kind: str
    label: str
    field: str


def _rules(kind: str, *entries: tuple[str, str, str]) -> list[TextRule]:
    return [TextRule(column, kind, label, field) for column, label, field in entries]


RULES: dict[str, TextRule] = {rule.column: rule for rule in [
    *_rules(NAME,
            ("persons.name", "姓名", "name"),
            ("persons.registered_address", "户籍地址", "registered_address"),
            ("persons.employment", "就业情况", "employment"),
            ("households.number", "户号", "number"),
            ("households.room", "房号", "room"),
            ("households.address", "地址", "address"),
            ("requests.contact_name", "联系人", "contact_name"),
            ("users.username", "用户名", "username"),
            ("users.display_name", "姓名", "display_name"),
            ("communities.code", "社区编号", "community_code"),
            ("communities.name", "社区名称", "community"),
            ("communities.street", "街道名称", "street"),
            ("grids.code", "网格编号", "code"),
            ("grids.name", "网格名称", "name"),
            ("buildings.name", "楼栋名称", "name"),
            ("buildings.address", "楼栋地址", "address"),
            ("units.name", "单元", "unit")),
    *_rules(FREE,
            ("persons.notes", "备注", "notes"),
            ("households.notes", "备注", "notes"),
            ("register_entries.notes", "备注", "notes"),
            ("register_entries.end_reason", "结束原因", "reason"),
            ("memberships.left_reason", "迁出原因", "reason"),
            ("visits.content", "走访内容", "content"),
            ("requests.description", "诉求内容", "description"),
            ("requests.result", "办理结果", "result"),
            ("requests.feedback", "回访意见", "feedback"),
            ("request_events.note", "说明", "note")),
    *_rules(CODE,
            ("persons.id_type", "证件类型", "id_type"),
            ("persons.id_number", "证件号码", "id_number"),
            ("persons.sex", "性别", "sex"),
            ("persons.ethnicity", "民族", "ethnicity"),
            ("persons.phone", "联系电话", "phone"),
            ("persons.population_type", "人口类型", "population_type"),
            ("persons.residence_state", "人户状态", "residence_state"),
            ("persons.political_status", "政治面貌", "political_status"),
            ("persons.marital_status", "婚姻状况", "marital_status"),
            ("persons.education", "文化程度", "education"),
            ("households.kind", "户类型", "kind"),
            ("households.phone", "联系电话", "phone"),
            ("households.status", "状态", "status"),
            ("memberships.relation", "与户主关系", "relation"),
            ("register_entries.category", "重点人群类别", "category"),
            ("communities.phone", "社区电话", "phone"),
            ("buildings.kind", "楼栋类型", "kind"),
            ("requests.channel", "诉求来源", "channel"),
            ("requests.category", "诉求类别", "category"),
            ("requests.urgency", "紧急程度", "urgency"),
            ("requests.contact_phone", "联系电话", "contact_phone"),
            ("requests.state", "状态", "state"),
            ("requests.satisfaction", "满意度", "satisfaction"),
            ("request_events.from_state", "原状态", "from_state"),
            ("request_events.to_state", "新状态", "to_state"),
            ("users.role", "角色", "role"),
            ("users.phone", "联系电话", "phone"),
            ("visits.kind", "走访类型", "kind")),
    *_rules(INTERNAL,
            ("grids.notes", "备注", "notes"),  # no form or import writes it yet
            ("audit_log.username", "用户名", "username"),
            ("audit_log.action", "操作", "action"),
            ("audit_log.entity", "对象", "entity"),
            ("audit_log.detail", "详情", "detail"),
            ("month_locks.locked_by", "锁定人", "locked_by"),
            ("search_keys.key", "检索键", "key"),
            ("counters.name", "计数器", "name"),
            ("requests.number", "诉求编号", "number"),
            ("users.password_hash", "密码", "password"),
            ("login_failures.username", "用户名", "username")),
]}


@cache
def limit_of(column: str) -> int:
    """The column's String(length), read off the model so the rule cannot drift from the schema."""
    table, name = column.split(".")
    column_type = Base.metadata.tables[table].c[name].type
    if not isinstance(column_type, String) or column_type.length is None:
        raise KeyError(f"{column} is not a String(length) column")
    return column_type.length


def text_for(column: str, value: str | None, *, field: str | None = None,
             label: str | None = None) -> str:
    """The value as `column` stores it (stripped), or ValidationError naming field and limit."""
    rule = RULES[column]
    field, label, limit = field or rule.field, label or rule.label, limit_of(column)
    if rule.kind == FREE:
        return free_text(value, limit=limit, field=field, label=label)
    if rule.kind == NAME:
        return name_text(value, limit=limit, field=field, label=label)
    return _within(_stripped(value), limit, field, label)


def name_text(value: str | None, *, limit: int, field: str, label: str) -> str:
    """A one-line name: stripped; refused if it holds an unsafe character or is too long."""
    text = _stripped(value)
    bad = first_unsafe(text)
    if bad is not None:
        raise ValidationError(f"{label}含有不可见的控制字符（{_codepoint(bad)}），请删除后重新输入",
                              field=field)
    return _within(text, limit, field, label)


def free_text(value: str | None, *, limit: int, field: str, label: str) -> str:
    """Free text: unsafe characters removed (line breaks kept), stripped, at most `limit` long."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    if first_unsafe(text) is not None:
        text = "".join(_FREE_TEXT_KEEPS.get(ch, "" if _unsafe(ch) else ch) for ch in text)
    return _within(text.strip(), limit, field, label)


def first_unsafe(text: str) -> str | None:
    """The first control, bidi or zero-width character of the text, if any."""
    if text.isprintable():  # C speed; false for every unsafe character (and for some safe ones)
        return None
    return next((ch for ch in text if _unsafe(ch)), None)


def visible(text: str) -> str:
    """The text with unsafe characters written out as \\u escapes, for echoing it safely."""
    if first_unsafe(text) is None:
        return text
    return "".join(_codepoint(ch) if _unsafe(ch) else ch for ch in text)


def too_long(label: str, limit: int, length: int) -> str:
    """The message for text over a column's limit."""
    return f"{label}过长（最多 {limit} 个字，现有 {length} 个字）"


def _within(text: str, limit: int, field: str, label: str) -> str:
    if len(text) > limit:
        raise ValidationError(too_long(label, limit, len(text)), field=field)
    return text


def _stripped(value: str | None) -> str:
    return (value or "").strip()


def _unsafe(ch: str) -> bool:
    return unicodedata.category(ch) in UNSAFE_CATEGORIES


def _codepoint(ch: str) -> str:
    return f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"
