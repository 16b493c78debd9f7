"""Parts several printed forms share: members, register attributes and visits tables, a tear line."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table

from reports.pdf.layout import LINE, WIDTH, Styles, day, table
from station.printing.records import MemberLine, RegisterLine, VisitLine

MEMBER_HEADER = ("序号", "姓名", "与户主关系", "性别", "出生日期", "民族", "公民身份号码", "联系电话", "人口类型")
MEMBER_WIDTHS = tuple(w * mm for w in (10, 19, 19, 10, 22, 16, 39, 25, 20))
VISIT_HEADER = ("日期", "类型", "走访人", "走访对象", "走访内容")
VISIT_WIDTHS = tuple(w * mm for w in (22, 22, 20, 20, 96))
NONE_ROW = "(无)"


def members_table(members: Sequence[MemberLine], s: Styles, *, blank_rows: int = 0,
                  row_height: float | None = None) -> Table:
    """The members of a household, or `blank_rows` numbered empty lines."""
    if blank_rows:
        rows = [[str(n), *[""] * 8] for n in range(1, blank_rows + 1)]
        return table([MEMBER_HEADER, *rows], MEMBER_WIDTHS, s, row_height=row_height)
    rows = [[str(number), m.name, m.relation, m.sex, day(m.birth_date), m.ethnicity, m.id_number,
             m.phone, m.population_type] for number, m in enumerate(members, 1)]
    return table([MEMBER_HEADER, *(rows or [[NONE_ROW, *[""] * 8]])], MEMBER_WIDTHS, s)


def attributes_text(entry: RegisterLine) -> str:
    return ";".join(f"{label}:{value}" for label, value in entry.attributes)


def visits_table(visits: Sequence[VisitLine], s: Styles) -> Table:
    """Visits done, newest first as given."""
    rows = [[day(v.done_on or v.day), v.kind_name, v.worker_name, v.person_name or "全户", v.content]
            for v in visits]
    return table([VISIT_HEADER, *(rows or [[NONE_ROW, "", "", "", ""]])], VISIT_WIDTHS, s)


class TearLine(Flowable):
    """A dashed cutting line across the page with a label in its middle."""

    def __init__(self, label: str, font: str):
        super().__init__()
        self.label, self.font = label, font
        self.width, self.height = WIDTH, 8 * mm

    def draw(self) -> None:
        canvas, middle = self.canv, self.height / 2
        label_width = canvas.stringWidth(self.label, self.font, 9) + 6 * mm
        canvas.setDash(4, 3)
        canvas.setStrokeColor(LINE)
        canvas.line(0, middle, (self.width - label_width) / 2, middle)
        canvas.line((self.width + label_width) / 2, middle, self.width, middle)
        canvas.setFont(self.font, 9)
        canvas.setFillColor(LINE)
        canvas.drawCentredString(self.width / 2, middle - 3, self.label)
