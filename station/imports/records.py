"""Plain records for importing a ledger workbook: the rows read, the problems found, the outcome."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from station.ledger.columns import LEDGER_COLUMNS
from station.messages import DEFAULT_LANGUAGE, message
from station.text_rules import visible

REQUIRED_COLUMNS = ("name", "id_number", "relation")
IMPORT_MODES = {"insert": "仅新增", "upsert": "新增或更新"}


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One data row as read: its row number in the sheet and raw cell values by field.

    Values keep the type the workbook stored (str, int, float, date, datetime, bool), so an ID
    number stored as a number can be told from one stored as text. `sheet` names the sheet when
    the file has more than one ledger sheet (row numbers then repeat), else it is "".
    """

    number: int
    cells: dict[str, Any]
    sheet: str = ""


@dataclass(frozen=True)
class LedgerSource:
    """The rows of a file's ledger sheets, and the header text the file uses for each field it has."""

    rows: tuple[SourceRow, ...]
    columns: dict[str, str]  # field → header as written in the (first) sheet
    sheet: str = ""  # the first ledger sheet and its header row
    header_row: int = 1
    headers: dict[str, int] = field(default_factory=dict)  # every ledger sheet → its header row

    def sheet_index(self, name: str) -> int:
        """Where a sheet comes in the file (for sorting refusals sheet by sheet)."""
        return list(self.headers).index(name) if name in self.headers else 0

    def label(self, field_name: str) -> str:
        """The column's header in the file (or the standard one when the file lacks it)."""
        return self.columns.get(field_name) or LEDGER_COLUMNS.get(field_name, field_name)


class Said(Protocol):
    """Words that render in a language: a catalogue Term or a StationError."""

    def render(self, language: str = DEFAULT_LANGUAGE) -> str: ...


@dataclass(frozen=True)
class RowError:
    """Why one row is refused: its row number, the column's header and the reason (a catalogue
    Term or the refusing StationError, rendered in the reader's language)."""

    row: int
    column: str
    reason: Said
    field: str = ""
    sheet: str = ""  # set when the file has several ledger sheets

    @classmethod
    def at(cls, row: Any, column: str, reason: Said, field_name: str = "") -> RowError:
        """A refusal of `row` (a SourceRow or anything with its number and sheet)."""
        return cls(row.number, column, reason, field_name, row.sheet)

    def reason_text(self, language: str = DEFAULT_LANGUAGE) -> str:
        """The reason in `language`; visible(): a reason may quote a cell holding a terminal escape."""
        return visible(self.reason.render(language))

    def describe(self, language: str = DEFAULT_LANGUAGE) -> str:
        """第 5 行「地址」：reason (row, column and reason in `language`)."""
        place = row_place(self.sheet, self.row, language)
        if self.column:
            return message("imports.refusal_at_column", language, place=place, column=self.column,
                           reason=self.reason_text(language))
        return message("imports.refusal", language, place=place, reason=self.reason_text(language))


def row_place(sheet: str, row: int, language: str = DEFAULT_LANGUAGE) -> str:
    """第 5 行, or 工作表“二网格”第 5 行 when the file has several ledger sheets."""
    if sheet:
        return message("imports.sheet_row", language, sheet=sheet, row=row)
    return message("imports.row", language, row=row)


@dataclass(frozen=True)
class ImportCounts:
    """Rows read, and what the import creates or updates (or would, before it is written)."""

    rows_read: int = 0
    persons_created: int = 0
    persons_updated: int = 0
    persons_unchanged: int = 0  # upsert: already in the database exactly as the file says
    rows_refused: int = 0
    households_created: int = 0
    households_joined: int = 0  # existing households that gain or change members (upsert)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class ImportReport:
    """The outcome of an import: written or not, counts, refusals, and places created."""

    mode: str
    dry_run: bool
    written: bool
    counts: ImportCounts
    errors: tuple[RowError, ...] = ()
    new_grids: tuple[str, ...] = ()
    new_buildings: tuple[str, ...] = ()  # "网格 / 楼栋"
    seconds: float = 0.0
    source_name: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def describe(self, language: str = DEFAULT_LANGUAGE) -> str:
        """One paragraph, as the CLI prints it and (in Chinese) the audit log keeps it."""
        c = self.counts

        def say(key: str, **params: Any) -> str:
            return message(f"imports.summary.{key}", language, **params)

        text = say("written" if self.written else "planned", rows=c.rows_read, created=c.persons_created,
                   updated=c.persons_updated)
        if c.persons_unchanged:
            text += say("unchanged", count=c.persons_unchanged)
        text += say("households", count=c.households_created)
        if c.households_joined:
            text += say("joined", count=c.households_joined)
        text += say("refused", count=c.rows_refused)
        if self.new_grids:
            text += say("new_grids", count=len(self.new_grids), names=_listing(self.new_grids, language))
        if self.new_buildings:
            text += say("new_buildings", count=len(self.new_buildings), names=_listing(self.new_buildings, language))
        return text


def _listing(names: tuple[str, ...], language: str, shown: int = 8) -> str:
    """The first few names, then 等 (the audit entry keeps the full lists)."""
    listed = message("imports.summary.separator", language).join(names[:shown])
    return message("imports.summary.and_more", language, names=listed) if len(names) > shown else listed
