"""走访记录表: a worker's visits for a period (done ones filled in), or a blank sheet."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table

from reports.pdf.layout import day, fields, gap, note, signatures, styles, table, title_block
from reports.pdf.page import build
from station.printing.records import VisitLine, VisitSheet

TITLE = "走访记录表"
HEADER = ("序号", "日期", "户号", "住址", "走访对象", "事项", "走访情况", "被访人签字")
WIDTHS = tuple(w * mm for w in (10, 20, 18, 30, 17, 22, 43, 20))
BLANK_LINES, LINE_HEIGHT = 14, 13 * mm
NOTE = ("“计划”为已安排的走访,“应访”为按重点人群走访周期到期的人员(早于本期的为“逾期”);"
        "完成后请填写走访情况并请被访人签字。")


def render(sheet: VisitSheet, path: Path, font: str) -> Path:
    """Write the sheet (filled, or blank) to a PDF."""
    s = styles(font)
    head = sheet.letterhead
    period = f"{day(sheet.date_from)} 至 {day(sheet.date_to)}" if sheet.date_from else ""
    subtitle = f"{head.community_name} · {head.station_name}" + (" · 空白表" if sheet.blank else "")
    flowables: list[Flowable] = [
        *title_block(TITLE, subtitle, s),
        fields([("走访人", sheet.worker_name), ("网格", sheet.grid_names), ("期间", period),
                ("记录数", "" if sheet.blank else f"{len(sheet.lines)}条")], s),
        gap(3), _lines(sheet, s), gap(2), note(NOTE, s), gap(6),
        signatures(("走访人(签字):", "社区审核:"), s),
    ]
    return build(path, flowables, font=font, title=TITLE, head=head)


def _lines(sheet: VisitSheet, s) -> Table:
    if sheet.blank:
        rows = [[str(n), *[""] * 7] for n in range(1, BLANK_LINES + 1)]
        return table([HEADER, *rows], WIDTHS, s, row_height=LINE_HEIGHT)
    rows = [_row(number, line, sheet.date_from) for number, line in enumerate(sheet.lines, 1)]
    return table([HEADER, *(rows or [["", "(本期没有走访记录)", *[""] * 6]])], WIDTHS, s)


def _row(number: int, line: VisitLine, first_day: date | None) -> list[str]:
    """A done visit shows what was done; a planned or due one leaves the cell to fill in."""
    if line.source == "done":
        what, done = line.kind_name, line.content
    elif line.source == "plan":
        what, done = f"{line.kind_name}(计划){line.content and ':' + line.content}", ""
    else:
        late = first_day is not None and line.day < first_day
        what, done = f"{line.kind_name}({'逾期' if late else '应访'})", ""
    return [str(number), day(line.day), line.household_number, line.address,
            line.person_name or "全户", what, done, ""]
