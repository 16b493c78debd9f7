"""恢复密钥单: the recovery key of an encrypted station on one A4 page, made in memory.

What it opens, how to keep it and what to do when it is lost, in the station's language; the
key large, in a monospace face, in its groups of five. Built as bytes and never as a file: the
sheet is the key (see station.printing.recovery_sheet).
"""

from __future__ import annotations

from functools import partial

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from reports.pdf.layout import (
    WIDTH,
    Styles,
    day,
    fields,
    gap,
    heading,
    note,
    signatures,
    styles,
    title_block,
)
from reports.pdf.page import build_bytes
from station.messages import message
from station.printing.recovery_sheet import RecoverySheet

# A base-14 face every PDF reader and printer has; the key is ASCII (A-Z, 2-7 and dashes).
KEY_FONT = "Courier-Bold"
KEY_SIZE = 22
GROUPS_PER_ROW = 4


def render(sheet: RecoverySheet, font: str) -> bytes:
    """The sheet as the bytes of a one-page A4 PDF."""
    s = styles(font)
    words = partial(_word, sheet.language)
    title = words("title")
    flowables: list[Flowable] = [
        *title_block(title, words("subtitle", community=sheet.community_name, station=sheet.station_name), s),
        fields([(words("community"), sheet.community_name), (words("station"), sheet.station_name),
                (words("made_at"), day(sheet.made_at)), (words("made_by"), sheet.made_by)], s,
               wide=[(words("database"), sheet.database_file)], label_width=24 * mm),
        gap(6),
        KeepTogether([_label(words("key"), s), gap(2), key_table(sheet.recovery_key), gap(1),
                      note(words("key_note"), s)]),
        *_section(words("opens_heading"), words("opens"), s),
        *_section(words("keep_heading"), words("keep"), s),
        *_section(words("lost_heading"), words("lost"), s),
        gap(12),
        signatures((words("maker"), words("keeper")), s, dated=(words("date_label"), words("date_blank"))),
    ]
    footer = words("footer", station=sheet.station_name, title=title, user=sheet.made_by, at=day(sheet.made_at))
    return build_bytes(flowables, font=font, title=title, author=sheet.station_name, footer=footer,
                       pages=words("pages"))


def key_table(recovery_key: str) -> Table:
    """The key's groups in rows of four, large and boxed, so it is read and typed back group by group."""
    groups = recovery_key.split("-")
    rows = [groups[at:at + GROUPS_PER_ROW] for at in range(0, len(groups), GROUPS_PER_ROW)]
    rows = [row + [""] * (GROUPS_PER_ROW - len(row)) for row in rows]
    style = ParagraphStyle("recovery_key", fontName=KEY_FONT, fontSize=KEY_SIZE, leading=KEY_SIZE * 1.3,
                           alignment=TA_CENTER)
    cells = [[Paragraph(group, style) for group in row] for row in rows]
    table = Table(cells, colWidths=[WIDTH / GROUPS_PER_ROW] * GROUPS_PER_ROW, hAlign="CENTER")
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.5, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("TOPPADDING", (0, 0), (-1, -1), 3 * mm),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm)]))
    return table


def _label(text: str, s: Styles) -> Paragraph:
    return Paragraph(_escape(text), s.heading)


def _section(title: str, text: str, s: Styles) -> list[Flowable]:
    return [*heading(title, s), Paragraph(_escape(text), s.body)]


def _word(language: str, key: str, **params: object) -> str:
    return message(f"recovery_sheet.{key}", language, **params)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
