"""住户信息登记表: the household, its members and register entries, with signature lines."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table

from reports.pdf.layout import (
    Styles,
    day,
    fields,
    gap,
    heading,
    note,
    signatures,
    styles,
    table,
    title_block,
)
from reports.pdf.page import build
from reports.pdf.parts import attributes_text, members_table
from station.printing.records import HouseholdForm, RegisterLine

TITLE = "住户信息登记表"
REGISTER_HEADER = ("姓名", "重点人群类别", "登记日期", "走访周期", "责任人", "附加信息")
REGISTER_WIDTHS = tuple(w * mm for w in (20, 30, 22, 18, 22, 68))
BLANK_MEMBERS, BLANK_REGISTERS, BLANK_ROW = 8, 3, 9 * mm
PRIVACY = "本表仅用于社区服务管理,请妥善保管;身份证号码、电话已隐去部分数字。"


def render(form: HouseholdForm, path: Path, font: str) -> Path:
    """Write the form (filled, or blank for field use) to a PDF."""
    s = styles(font)
    head = form.letterhead
    subtitle = f"{head.community_name} · {head.station_name}" + (" · 空白表(现场填写)" if form.blank else "")
    flowables: list[Flowable] = [*title_block(TITLE, subtitle, s), _household_fields(form, s)]
    flowables += [*heading("家庭成员", s), _members(form, s)]
    flowables += [*heading("重点人群登记", s), _registers(form, s)]
    flowables += [gap(4), note(PRIVACY, s), gap(8), signatures(("户主(签字):", "登记人(签字):"), s)]
    return build(path, flowables, font=font, title=TITLE, head=head)


def _household_fields(form: HouseholdForm, s: Styles) -> Table:
    kind = form.kind_name or ("□户籍户  □居住户" if form.blank else "")
    return fields([("户号", form.number), ("所属网格", form.grid_name), ("住户类型", kind),
                   ("状态", form.status_name), ("联系电话", form.phone),
                   ("现有人数", f"{len(form.members)}人" if not form.blank else "")],
                  s, wide=[("住址", form.address), ("备注", form.notes)])


def _members(form: HouseholdForm, s: Styles) -> Table:
    if form.blank:
        return members_table((), s, blank_rows=BLANK_MEMBERS, row_height=BLANK_ROW)
    return members_table(form.members, s)


def _registers(form: HouseholdForm, s: Styles) -> Table:
    if form.blank:
        rows = [[""] * 6 for _ in range(BLANK_REGISTERS)]
        return table([REGISTER_HEADER, *rows], REGISTER_WIDTHS, s, row_height=BLANK_ROW)
    rows = [_register_row(entry) for entry in form.registers] or [["(无)", "", "", "", "", ""]]
    return table([REGISTER_HEADER, *rows], REGISTER_WIDTHS, s)


def _register_row(entry: RegisterLine) -> list[str]:
    return [entry.person_name, entry.category_name, day(entry.start_on),
            f"{entry.visit_every_days}天", entry.worker_name, attributes_text(entry)]

