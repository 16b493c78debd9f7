"""重点人群档案卡 (一人一档): the person, their household, register entries and last visits."""

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
from reports.pdf.parts import attributes_text, members_table, visits_table
from station.printing.records import PersonFile, RegisterLine

TITLE = "重点人群档案卡"
REGISTER_HEADER = ("类别", "登记日期", "结束日期", "走访周期", "责任人", "上次走访", "下次应访", "附加信息")
REGISTER_WIDTHS = tuple(w * mm for w in (24, 20, 20, 16, 17, 20, 20, 43))
PRIVACY = "本档案含个人信息,仅限社区工作使用;身份证号码、电话已隐去部分数字。"


def render(card: PersonFile, path: Path, font: str) -> Path:
    """Write the person's file to a PDF."""
    s = styles(font)
    head = card.letterhead
    flowables: list[Flowable] = [
        *title_block(TITLE, f"{head.community_name} · {head.station_name} · 一人一档", s),
        _person_fields(card, s),
        *heading("重点人群登记", s), _registers(card, s),
        *heading("同户成员", s), members_table(card.household, s),
        *heading(f"最近走访记录(最近{len(card.visits)}次)" if card.visits else "最近走访记录", s),
        visits_table(card.visits, s),
        gap(4), note(PRIVACY, s), gap(8), signatures(("建档人:", "审核人:"), s),
    ]
    return build(path, flowables, font=font, title=TITLE, head=head)


def _person_fields(card: PersonFile, s: Styles) -> Table:
    return fields([
        ("姓名", card.name), ("性别", card.sex), ("出生日期", day(card.birth_date)),
        ("年龄", f"{card.age}岁"), ("民族", card.ethnicity), ("身份证号", card.id_number),
        ("联系电话", card.phone), ("人口类型", card.population_type), ("人户状态", card.residence_state),
        ("政治面貌", card.political_status), ("文化程度", card.education), ("婚姻状况", card.marital_status),
        ("当前状态", card.status), ("户号", card.household_number), ("与户主关系", card.relation),
        ("所属网格", card.grid_name),
    ], s, columns=3, label_width=20 * mm, wide=[("住址", card.address), ("工作单位", card.employment)])


def _registers(card: PersonFile, s: Styles) -> Table:
    rows = [_register_row(entry) for entry in card.registers] or [["(未登记重点人群)", *[""] * 7]]
    return table([REGISTER_HEADER, *rows], REGISTER_WIDTHS, s)


def _register_row(entry: RegisterLine) -> list[str]:
    ended = f"{day(entry.end_on)} {entry.end_reason}".strip() if entry.end_on else "在册"
    return [entry.category_name, day(entry.start_on), ended, f"{entry.visit_every_days}天",
            entry.worker_name, day(entry.last_visit_on), day(entry.next_visit_due), attributes_text(entry)]
