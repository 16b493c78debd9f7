"""How far a worksheet's cells reach, read from its XML before python-calamine loads the sheet.

calamine turns a sheet into a dense grid from its first to its last cell holding a value, 32 bytes
a cell: one value at XFD1048576 makes that 17 billion cells (512 GB) and the process aborts. So
every sheet's XML is streamed first, in windows of WINDOW bytes, and its cells must stay within
limits no ledger meets: MAX_COLUMNS columns (the template has 15), Excel's MAX_ROWS rows, and
MAX_CELLS cells in the grid (rows × columns, at most 256 MB in calamine; a 100,000-person ledger
of 16 columns is 1.6 million). The sheet's <dimension ref> is only a claim (calamine ignores it,
and so does this): what counts is where the cells are.

Two passes of the same rules. The fast one (a few regular-expression searches: 0.7 s for a
100,000-person ledger that calamine reads in 1.1 s) is taken when every cell is written as Excel, WPS, LibreOffice and openpyxl write it,
`<c r="B7" ...>`; it counts every cell, empty formatted ones too, so it can only overestimate.
When it cannot vouch for the sheet (a cell without a plain reference, a prefixed tag, a second
`r`) or its estimate is over a limit (a million formatted empty rows), the exact pass parses the
XML (defusedxml) and places cells as calamine does, counting only those holding a value, and
refuses naming the first cell out of bounds.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import IO

from defusedxml import ElementTree as SafeTree

from reports.excel_import.parts import member, sheet_member, sheet_parts
from station.errors import ValidationError
from station.messages import Term

MAX_COLUMNS = 200
MAX_ROWS = 1_048_576
MAX_CELLS = 8_000_000
WINDOW = 4 * 1024 * 1024
DIGITS, LETTERS = "0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# What the fast pass cannot read for sure (whitespace made spaces first): a cell whose first
# attribute is not a plain reference, a prefixed tag, an `r` attribute written otherwise than
# r="..." (a second plain one in a cell, which calamine would take, is found by the searches).
# (Three searches with a literal start each: one with alternatives costs four times as much.)
_UNSURE = (re.compile(rb'<c(?! r="[A-Z]{1,3}[1-9][0-9]{0,6}"[ />])[ />]'), re.compile(rb":c[ />]"),
           re.compile(rb"r(?: +=|= |=')"))
_ELEMENTS = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|v|is)[ />]")
_SPACES = bytes.maketrans(b"\t\n\r", b"   ")
_LAST_CELL = b'<c r="'
_LAST_ROW = re.compile(rb'[A-Z]{1,3}([1-9][0-9]{0,6})"')
_REFERENCE = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")


@dataclass(frozen=True)
class Reach:
    """The last row and column (1-based) a sheet's cells reach, and the grid they span."""

    rows: int = 0
    columns: int = 0

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    def within_limits(self) -> bool:
        return self.columns <= MAX_COLUMNS and self.rows <= MAX_ROWS and self.cells <= MAX_CELLS


def check_sheet_reach(archive: zipfile.ZipFile, sheet: str) -> Reach:
    """The reach of the named worksheet; ValidationError naming a cell when calamine must not load it."""
    part = sheet_member(archive, sheet)
    with archive.open(part) as stream:
        estimate = _fast_reach(stream)
    if estimate is not None and estimate.within_limits():
        return estimate
    with archive.open(part) as stream:
        return _exact_reach(stream, sheet)


def column_letters(number: int) -> str:
    """1 → A, 200 → GR, 16384 → XFD."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str) -> int:
    """A → 1, XFD → 16384 (letters in either case)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


@dataclass(frozen=True)
class Weight:
    """What a workbook's sheets are made of: rows and cells written, and cells holding a value."""

    elements: int = 0  # what a tree reader (openpyxl) makes an object for
    values: int = 0

    def __add__(self, other: Weight) -> Weight:
        return Weight(self.elements + other.elements, self.values + other.values)


def workbook_weight(archive: zipfile.ZipFile) -> Weight:
    """The weight of every worksheet: a million formatted empty rows weigh a million, hold nothing."""
    total = Weight()
    for part in sheet_parts(archive).values():
        with archive.open(member(archive, part)) as stream:
            for window in _windows(stream):
                kinds = _ELEMENTS.findall(window.translate(_SPACES))
                held = kinds.count(b"v") + kinds.count(b"is")
                total += Weight(len(kinds) - held, held)
    return total


# --- the fast pass ------------------------------------------------------------------------------

def _fast_reach(stream: IO[bytes]) -> Reach | None:
    """The farthest row and column of any cell, or None when a cell is not written plainly."""
    rows = columns = 0
    for raw in _windows(stream):
        window = raw.translate(_SPACES)
        if any(unsure.search(window) for unsure in _UNSURE):
            return None
        # Rows come in order in any real sheet: start from the window's last cell, then make sure.
        at = window.rfind(_LAST_CELL)
        last = _LAST_ROW.match(window, at + len(_LAST_CELL)) if at >= 0 else None
        rows = max(rows, int(last[1])) if last is not None else rows
        while (found := _beyond(rows, columns).search(window)) is not None:
            if found["column"]:
                columns = column_number(found["column"].decode())
            else:
                rows = int(found["row"])
        if not Reach(rows, columns).within_limits():
            break  # the exact pass decides
    return Reach(rows, columns)


def _windows(stream: IO[bytes]) -> Iterator[bytes]:
    """The XML in pieces of about WINDOW bytes, each cut before a '<' so no tag is split."""
    tail = b""
    while chunk := stream.read(WINDOW):
        data = tail + chunk
        cut = data.rfind(b"<")
        if cut <= 0:
            tail = data
            continue
        yield data[:cut]
        tail = data[cut:]
    if tail:
        yield tail


@lru_cache(maxsize=64)
def _beyond(rows: int, columns: int) -> re.Pattern[bytes]:
    """A plain reference (rows have no letters: a cell's) beyond `columns` or beyond `rows`."""
    column = greater_than(column_letters(columns) if columns else "", LETTERS, LETTERS, 3)
    row = greater_than(str(rows) if rows else "", DIGITS, DIGITS[1:], 7)
    return re.compile(f' r="(?:(?P<column>{column})[1-9]|[A-Z]{{1,3}}(?P<row>{row})")'.encode())


def greater_than(word: str, symbols: str, first: str, longest: int) -> str:
    """A regex for the words of `symbols` (not starting with a symbol outside `first`, at most
    `longest` long) that sort after `word` when shorter words come first: numbers, column letters."""
    span = f"[{symbols[0]}-{symbols[-1]}]"
    options = []
    if len(word) < longest:
        options.append(f"[{first[0]}-{first[-1]}]{span}{{{len(word)},{longest - 1}}}")
    for index, symbol in enumerate(word):
        pool = first if index == 0 else symbols
        higher = pool[pool.index(symbol) + 1:]
        if higher:
            options.append(f"{word[:index]}[{higher[0]}-{higher[-1]}]{span}{{{len(word) - index - 1}}}")
    return "(?:" + "|".join(options) + ")" if options else "(?!)"


# --- the exact pass -----------------------------------------------------------------------------

class _CellPlaces:
    """An XML parser target that places cells as calamine does and notes those holding a value.

    A cell's `r` gives its place; without one it follows the cell before it in its row. A row's
    `r` gives its number; without one it follows the row before. A cell holds a value when it has
    a <v> or an <is> (calamine keeps even an empty inline string).
    """

    def __init__(self, sheet: str):
        self.sheet = sheet
        self.row = self.column = 0
        self.open: tuple[int, int, str] | None = None  # the cell being read: row, column, reference
        self.top = self.left = 0
        self.bottom = self.right = 0
        self.lowest = self.rightmost = ""

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        name = tag.rpartition("}")[2]
        if name == "row":
            number = attributes.get("r")
            self.row = self._row_number(number) if number else self.row + 1
            self.column = 0
        elif name == "c":
            self.open = self._place(attributes.get("r"))
        elif name in ("v", "is") and self.open is not None:
            self._hold(*self.open)
            self.open = None

    def end(self, tag: str) -> None:
        if tag.endswith("}c") or tag == "c":
            self.open = None

    def data(self, _text: str) -> None:
        return None

    def close(self) -> Reach:
        reach = Reach(self.bottom, self.right)
        spanned = (self.bottom - self.top + 1) * (self.right - self.left + 1) if self.bottom else 0
        if spanned > MAX_CELLS:
            first = f"{column_letters(self.left)}{self.top}"
            raise ValidationError(
                "imports.too_many_cells", sheet=self.sheet, first=first, lowest=self.lowest,
                rightmost=self.rightmost, spanned=spanned, max_cells=MAX_CELLS, field="file")
        return reach

    def _place(self, reference: str | None) -> tuple[int, int, str]:
        if reference is None:
            self.column += 1
            return self.row, self.column, f"{column_letters(self.column)}{self.row}"
        plain = _REFERENCE.fullmatch(reference.strip())
        if plain is None or int(plain[2]) == 0:
            raise ValidationError("imports.bad_cell_reference", sheet=self.sheet, reference=reference[:20],
                                  field="file")
        self.column = column_number(plain[1])
        return int(plain[2]), self.column, f"{plain[1].upper()}{int(plain[2])}"

    def _row_number(self, text: str) -> int:
        if not text.strip().isdigit():
            raise ValidationError("imports.bad_row_number", sheet=self.sheet, row=text[:20], field="file")
        return int(text)

    def _hold(self, row: int, column: int, reference: str) -> None:
        if column > MAX_COLUMNS or row > MAX_ROWS:
            limit = (Term("imports.limit_columns", most=MAX_COLUMNS, last=column_letters(MAX_COLUMNS))
                     if column > MAX_COLUMNS else Term("imports.limit_rows", most=MAX_ROWS))
            raise ValidationError("imports.cell_out_of_reach", sheet=self.sheet, reference=reference, limit=limit,
                                  field="file")
        if not self.bottom:
            self.top, self.left = row, column
        self.top, self.left = min(self.top, row), min(self.left, column)
        if row > self.bottom:
            self.bottom, self.lowest = row, reference
        if column > self.right:
            self.right, self.rightmost = column, reference


def _exact_reach(stream: IO[bytes], sheet: str) -> Reach:
    target = _CellPlaces(sheet)
    parser = SafeTree.DefusedXMLParser(target=target, forbid_dtd=True)
    try:
        for window in _windows(stream):
            parser.feed(window)
        reach = parser.close()
    except SafeTree.ParseError as error:
        raise ValidationError("imports.sheet_not_xml", sheet=sheet, field="file") from error
    except (ValueError, KeyError) as error:  # defusedxml's refusals (DTD, entities) are ValueErrors
        raise ValidationError("imports.sheet_forbidden_xml", sheet=sheet, field="file") from error
    assert isinstance(reach, Reach)
    return reach
