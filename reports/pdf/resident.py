"""个人信息查阅单: what the station holds about a resident and every recorded access to it, for them.

Sections 一 to 六 in the report's language; long tables split across pages with their header row
repeated, and every page ends with the station, who printed it and when.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table

from reports.pdf.layout import (
    Styles,
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
from station.messages import message
from station.printing.resident_records import HomeSection, ResidentReport, Row

HOUSEMATES = (("name", 20), ("relation", 18), ("sex", 14), ("birth", 20), ("id", 36), ("phone", 26),
              ("from", 23), ("to", 23))
REGISTERS = (("category", 26), ("start", 20), ("end", 28), ("worker", 18), ("every", 18), ("attributes", 70))
VISITS = (("day", 26), ("kind", 20), ("visitor", 18), ("whom", 18), ("content", 98))
REQUESTS = (("number", 30), ("received", 28), ("category", 18), ("state", 16), ("description", 50),
            ("result", 38))
STEPS = (("number", 30), ("when", 28), ("step", 34), ("by", 20), ("note", 68))
ACCESSES = (("at", 28), ("user", 24), ("action", 22), ("object", 36), ("details", 70))


def render(report: ResidentReport, path: Path, font: str) -> Path:
    """Write the resident's own report to a PDF."""
    s = styles(font)
    words = partial(_word, report.language)
    head = report.letterhead
    title = words("title")
    flowables: list[Flowable] = [
        *title_block(title, words("subtitle", community=head.community_name, station=head.station_name), s),
        *heading(words("basic"), s),
        fields(report.fields, s, wide=report.wide_fields, **_field_layout(report.language)),
        *heading(words("homes"), s), *_homes(report, s),
        *heading(words("registers"), s), _rows(report.registers, REGISTERS, report.language, s),
        *heading(words("visits"), s), _rows(report.visits, VISITS, report.language, s),
        *heading(words("requests"), s), _rows(report.requests, REQUESTS, report.language, s),
    ]
    if report.request_steps:
        flowables += [gap(2), note(words("request_steps"), s), _rows(report.request_steps, STEPS, report.language, s)]
    flowables += [*heading(words("accesses"), s), note(words("accesses_note"), s), gap(1),
                  _rows(report.accesses, ACCESSES, report.language, s),
                  gap(4), note(words("privacy"), s), gap(8),
                  signatures((words("sign_resident"), words("sign_clerk")), s,
                             dated=(words("sign_date"), words("sign_date_blank")))]
    footer = words("footer", station=head.station_name, title=title, by=head.printed_by,
                   at=f"{head.printed_at:%Y-%m-%d %H:%M}")
    return build(path, flowables, font=font, title=title, head=head, footer=footer, pages=words("pages"))


def _homes(report: ResidentReport, s: Styles) -> list[Flowable]:
    if not report.homes:
        return [note(_word(report.language, "none"), s)]
    flowables: list[Flowable] = []
    for home in report.homes:
        flowables += _home(home, report.language, s)
    return flowables


def _home(home: HomeSection, language: str, s: Styles) -> list[Flowable]:
    words = partial(_word, language)
    parts: list[Flowable] = [note(home.title, s), fields(home.fields, s, **_field_layout(language))]
    if home.withheld:
        return [*parts, note(words("withheld"), s), gap(2)]
    return [*parts, note(words("housemates"), s), _rows(home.housemates, HOUSEMATES, language, s), gap(2)]


def _field_layout(language: str) -> dict[str, Any]:
    """Three pairs a line for Chinese labels; English ones need the room of two."""
    return {"columns": 3, "label_width": 20 * mm} if language == "zh" else {"columns": 2, "label_width": 34 * mm}


def _rows(rows: Sequence[Row] | None, columns: Sequence[tuple[str, float]], language: str, s: Styles) -> Table:
    """A table of the given columns; a section the account may not read says so in its one row."""
    header = [_word(language, f"col_{name}") for name, _width in columns]
    empty = _word(language, "none" if rows is not None else "not_readable")
    body = [list(row) for row in rows] if rows else [[empty, *[""] * (len(columns) - 1)]]
    return table([header, *body], [width * mm for _name, width in columns], s)


def _word(language: str, key: str, **params: object) -> str:
    return message(f"dossiers.report.{key}", language, **params)
