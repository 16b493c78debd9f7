"""Workbooks written zip part by zip part, for what no spreadsheet program would write.

A cell at XFD1048576 in a 2 KB file, a million empty formatted rows, a claimed dimension that
lies: the reader must judge these from the XML before python-calamine builds its dense grid.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape

from reports.excel_import.reach import column_letters

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"
HEADER = ("户号", "网格", "姓名", "公民身份号码", "与户主关系")


def cell(ref: str, value: str | float | None = None, *, style: int = 0) -> str:
    """One <c>: inline text, a number, or (None) an empty cell that only carries a style."""
    styled = f' s="{style}"' if style else ""
    if value is None:
        return f'<c r="{ref}"{styled}/>'
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"{styled}><is><t>{escape(value)}</t></is></c>'
    return f'<c r="{ref}"{styled}><v>{value}</v></c>'


def row(number: int, values: Iterable[str | float | None], *, first_column: int = 1) -> str:
    """A <row> with its cells from `first_column` on (1 = A)."""
    cells = "".join(cell(f"{column_letters(first_column + index)}{number}", value)
                    for index, value in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def ledger_rows(rows: Iterable[Iterable[str]], *, start: int = 1) -> str:
    """The header, then `rows`, from row `start`."""
    lines = [row(start, HEADER)]
    lines += [row(start + index, values) for index, values in enumerate(rows, 1)]
    return "".join(lines)


def write_book(path: Path, sheets: dict[str, str | Iterable[str]], *, dimension: str | None = None) -> Path:
    """A workbook whose sheets hold the given <sheetData> content (text, or chunks streamed in)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _content_types(len(sheets)))
        archive.writestr("_rels/.rels", _relationships([(f"{RELS}/officeDocument", "xl/workbook.xml")]))
        archive.writestr("xl/workbook.xml", _workbook(list(sheets)))
        targets = [(f"{RELS}/worksheet", f"worksheets/sheet{i}.xml") for i in range(1, len(sheets) + 1)]
        archive.writestr("xl/_rels/workbook.xml.rels", _relationships([*targets, (f"{RELS}/styles", "styles.xml")]))
        archive.writestr("xl/styles.xml", _STYLES)
        for index, content in enumerate(sheets.values(), 1):
            with archive.open(f"xl/worksheets/sheet{index}.xml", "w") as part:
                for chunk in _worksheet(content, dimension):
                    part.write(chunk.encode("utf-8"))
    return path


def far_cell_book(path: Path) -> Path:
    """A 2 KB ledger whose one stray cell sits at XFD1048576 (calamine would make it dense: 512 GB)."""
    content = ledger_rows([("H1", "一网格", "张三", "110105194912310021", "户主")])
    return write_book(path, {"台账": content + row(1_048_576, ["x"], first_column=16_384)})


def formatted_rows_book(path: Path, rows: int = 1_048_576) -> Path:
    """A ledger of one (refused) person, then empty rows down to `rows`, each with a format and height."""
    def chunks() -> Iterator[str]:
        yield ledger_rows([("H1", "一网格", "张三", "110105194912310021", "户主")])
        for start in range(3, rows + 1, 10_000):
            yield "".join(f'<row r="{n}" s="1" customFormat="1" ht="18" customHeight="1">'
                          f'{cell(f"A{n}", None, style=1)}</row>' for n in range(start, min(start + 10_000, rows + 1)))
    return write_book(path, {"台账": chunks()}, dimension=f"A1:E{rows}")


def _worksheet(content: str | Iterable[str], dimension: str | None) -> Iterator[str]:
    claimed = f'<dimension ref="{dimension}"/>' if dimension else ""
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">{claimed}<sheetData>'
    yield from ([content] if isinstance(content, str) else content)
    yield "</sheetData></worksheet>"


def _content_types(sheets: int) -> str:
    parts = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_TYPES}.worksheet+xml"/>'
                    for i in range(1, sheets + 1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPES}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_TYPES}.styles+xml"/>{parts}</Types>')


def _relationships(targets: list[tuple[str, str]]) -> str:
    items = "".join(f'<Relationship Id="rId{i}" Type="{kind}" Target="{target}"/>'
                    for i, (kind, target) in enumerate(targets, 1))
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PACKAGE_RELS}">{items}</Relationships>'


def _workbook(names: list[str]) -> str:
    sheets = "".join(f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(names, 1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
            f'<sheets>{sheets}</sheets></workbook>')


_STYLES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{MAIN}">'
           '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
           '<fills count="2"><fill><patternFill patternType="none"/></fill>'
           '<fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
           '</styleSheet>')
