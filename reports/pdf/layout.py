"""Shared A4 layout for every printed document: styles, tables, fields, signature lines, formats."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN
LINE = colors.HexColor("#555555")
SHADE = colors.HexColor("#EEEEEE")
DASH = "—"
HEADING_ROOM = 35 * mm


@dataclass(frozen=True)
class Styles:
    font: str
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    note: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    cell_right: ParagraphStyle


def styles(font: str) -> Styles:
    """Paragraph styles in the CJK font; wordWrap CJK breaks lines between any two characters."""
    def style(name: str, size: float, **extra) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.35,
                              wordWrap="CJK", **extra)

    return Styles(
        font=font,
        title=style("title", 18, alignment=TA_CENTER, spaceAfter=2 * mm),
        subtitle=style("subtitle", 10, alignment=TA_CENTER, textColor=LINE, spaceAfter=4 * mm),
        heading=style("heading", 12, spaceBefore=4 * mm, spaceAfter=2 * mm),
        body=style("body", 10),
        note=style("note", 8, textColor=LINE, spaceBefore=1 * mm),
        cell=style("cell", 9),
        cell_center=style("cell_center", 9, alignment=TA_CENTER),
        cell_right=style("cell_right", 9, alignment=TA_RIGHT),
    )


def table(rows: Sequence[Sequence[object]], widths: Sequence[float], s: Styles, *,
          header_rows: int = 1, numeric: Collection[int] = (), font_size: float = 9,
          row_height: float | None = None) -> Table:
    """A ruled table; text cells wrap, the `numeric` columns hold right-aligned numbers.

    row_height fixes the height of the body rows (room for handwriting on blank forms).
    """
    cells = [[_cell(value, s, row < header_rows, col in numeric)
              for col, value in enumerate(values)] for row, values in enumerate(rows)]
    heights = None if row_height is None else [None] * header_rows + [row_height] * (len(rows) - header_rows)
    result = Table(cells, colWidths=list(widths), rowHeights=heights, repeatRows=header_rows, hAlign="LEFT")
    commands = [*_ruled(s.font, font_size), ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), SHADE))
    commands += [("ALIGN", (col, header_rows), (col, -1), "RIGHT") for col in numeric]
    result.setStyle(TableStyle(commands))
    return result


def _cell(value: object, s: Styles, header: bool, numeric: bool) -> object:
    if isinstance(value, Flowable):
        return value
    text = "" if value is None else str(value)
    if numeric and not header:
        return text  # plain strings are cheap and never wrap
    return Paragraph(_escape(text), s.cell_center if header else s.cell)


def fields(pairs: Sequence[tuple[str, str]], s: Styles, *, wide: Sequence[tuple[str, str]] = (),
           columns: int = 2, label_width: float = 22 * mm) -> Table:
    """Label/value pairs in `columns` columns, then `wide` pairs across the whole width."""
    rows: list[list[object]] = []
    row: list[object] = []
    for label, value in pairs:
        row += [Paragraph(_escape(label), s.cell), Paragraph(_escape(value or ""), s.cell)]
        if len(row) == 2 * columns:
            rows.append(row)
            row = []
    if row:
        rows.append(row + [""] * (2 * columns - len(row)))
    first_wide = len(rows)
    rows += [[Paragraph(_escape(label), s.cell), Paragraph(_escape(value or ""), s.cell)]
             + [""] * (2 * columns - 2) for label, value in wide]
    value_width = WIDTH / columns - label_width
    result = Table(rows, colWidths=[label_width, value_width] * columns)
    commands = [*_ruled(s.font), ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]
    commands += [("BACKGROUND", (col, 0), (col, first_wide - 1), SHADE) for col in range(0, 2 * columns, 2)]
    commands += [("BACKGROUND", (0, first_wide), (0, -1), SHADE)] if wide else []
    commands += [("SPAN", (1, row), (-1, row)) for row in range(first_wide, len(rows))]
    result.setStyle(TableStyle(commands))
    return result


def _ruled(font: str, size: float = 9) -> list[tuple]:
    """Table style commands shared by every ruled table."""
    return [("FONT", (0, 0), (-1, -1), font, size), ("GRID", (0, 0), (-1, -1), 0.5, LINE),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3)]


def signatures(labels: Sequence[str], s: Styles, *, dated: tuple[str, str] = ("日期:", "      年    月    日")
               ) -> Table:
    """Signature lines: each label followed by a line to sign on, then the date (label, blank to fill)."""
    cells: list[str] = []
    for label in labels:
        cells += [label, ""]
    cells += list(dated)
    count = len(labels) + 1
    label_width = 28 * mm
    result = Table([cells], colWidths=[label_width, WIDTH / count - label_width] * count)
    result.setStyle(TableStyle([("LINEBELOW", (col, 0), (col, 0), 0.6, colors.black)
                                for col in range(1, 2 * count - 2, 2)]
                               + [("FONT", (0, 0), (-1, -1), s.font, 10),
                                  ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                                  ("TOPPADDING", (0, 0), (-1, -1), 10)]))
    return result


def title_block(title: str, subtitle: str, s: Styles) -> list[Flowable]:
    return [Paragraph(_escape(title), s.title), Paragraph(_escape(subtitle), s.subtitle)]


def heading(text: str, s: Styles) -> list[Flowable]:
    """A section heading, moved to the next page when fewer than ~4 lines would follow it."""
    return [CondPageBreak(HEADING_ROOM), Paragraph(_escape(text), s.heading)]


def note(text: str, s: Styles) -> Paragraph:
    return Paragraph(_escape(text), s.note)


def gap(height_mm: float) -> Spacer:
    return Spacer(1, height_mm * mm)


def day(value: date | datetime | None) -> str:
    """A date as 2026-10-01, a datetime as 2026-10-01 09:30, nothing as ''."""
    if value is None:
        return ""
    return f"{value:%Y-%m-%d %H:%M}" if isinstance(value, datetime) else f"{value:%Y-%m-%d}"


def share(part: int, whole: int) -> str:
    """part of whole as a percentage with one decimal; a dash when there is nothing to divide."""
    return DASH if not whole else f"{100 * part / whole:.1f}%"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
