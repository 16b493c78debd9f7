"""审计日志 for admins and 站长 (audit.read, from the palette): the log newest first, filtered.

The list is sized once per filter and then read a page at a time as it scrolls, like the
ledger's (screens.widgets.virtual_table); each page after the first is read by the id of the row
above it, so a deep page costs what the first does. Enter opens a row's values in full. Every
number is masked by the service (station.audit_log), here as in `station audit list`.
"""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.widgets import Static

from screens.admin.audit_detail import AuditRowDialog, value_lines
from screens.admin.audit_filters import AuditCriteria, AuditFilters
from screens.base import StationScreen
from screens.keys import bindings
from screens.widgets.labels import TopBar, station_footer
from screens.widgets.virtual_table import PAGE_SIZE, VirtualTable
from station.audit_log.listing import audit_page, audit_size
from station.audit_log.records import AuditFilter, AuditRow, AuditSize, AuditSubject
from station.audit_log.subjects import find_subject
from station.audit_log.values import one_line
from station.errors import StationError

# Column: width in terminal cells. The content (values old → new, then the detail) is last: on a
# narrow terminal it runs to the edge and Enter shows it whole; the row's number and what it is
# about give way first.
COLUMNS = (("id", 7), ("at", 16), ("user", 10), ("action", 12), ("entity", 14), ("content", 50))
COLUMN_NAMES = [name for name, _width in COLUMNS]
DROP_ORDER = ("id", "entity")
SEPARATOR = " · "


class AuditTable(VirtualTable[AuditRow]):
    """The rows; Enter opens one (the ledger's table opens a household)."""

    BINDINGS = bindings("audit_log.open")


class AuditLogScreen(StationScreen):
    """The filter row, a note (how many rows, or what is wrong) and the rows."""

    CSS_PATH = "audit_log.tcss"
    BINDINGS = bindings("audit_log.filter", "audit_log.refresh", "audit_log.back")
    HELP_TOPIC: ClassVar[str] = "audit_log"

    def __init__(self) -> None:
        super().__init__()
        self.generation = 0
        self.criteria = AuditCriteria()
        self.wanted = AuditFilter()
        self.listing = AuditSize(0, 0)

    def compose(self) -> ComposeResult:
        yield TopBar()
        yield Static(self.t("audit_log.title"), id="audit-title", markup=False)
        yield AuditFilters(self.station.database.now().date(), id="audit-filters")
        yield Static(self.t("audit_log.loading"), id="audit-note", markup=False)
        yield AuditTable(self._columns(), self._cells, self._fetch_page, id="audit-rows",
                         drop_order=[COLUMN_NAMES.index(name) for name in DROP_ORDER])
        yield station_footer()

    def _columns(self) -> list[tuple[str, int]]:
        titles = {name: self.t(f"audit_log.col_{name}") for name in COLUMN_NAMES}
        return [(titles[name], max(width, cell_len(titles[name]))) for name, width in COLUMNS]

    def on_mount(self) -> None:
        self.table.focus()
        self.load()

    @property
    def table(self) -> VirtualTable[AuditRow]:
        return self.query_one("#audit-rows", VirtualTable)

    # --- sizing a listing ---------------------------------------------------------------------

    def load(self) -> None:
        """Size the listing the filters ask for (finding the resident or household first)."""
        self.generation += 1
        criteria, generation = self.criteria, self.generation
        if criteria.subject:
            self.call(find_subject, criteria.subject, on_done=partial(self._count, generation, criteria),
                      on_error=partial(self._refused, generation))
        else:
            self._count(generation, criteria, None)

    def _count(self, generation: int, criteria: AuditCriteria, subject: AuditSubject | None) -> None:
        wanted = AuditFilter(user=criteria.user, action=criteria.action, date_from=criteria.date_from,
                             date_to=criteria.date_to,
                             person_id=subject.id if subject and subject.kind == "person" else None,
                             household_id=subject.id if subject and subject.kind == "household" else None)
        self.call(audit_size, wanted, on_done=partial(self._sized, generation, wanted, subject))

    def _sized(self, generation: int, wanted: AuditFilter, subject: AuditSubject | None, size: AuditSize) -> None:
        if generation != self.generation:
            return  # an answer to filters changed meanwhile
        self.wanted, self.listing = wanted, size
        self.table.reset(size.rows)
        if not size.rows:
            self._note(self.t("audit_log.none"))
        elif subject is not None:
            self._note(self.t(f"audit_log.count_{subject.kind}", label=subject.label, count=size.rows))
        else:
            self._note(self.t("audit_log.count", count=size.rows))

    def _refused(self, generation: int, error: StationError) -> None:
        if generation == self.generation:
            self.table.reset(0)
            self._note(self.error_text(error), problem=True)

    def _note(self, text: str, *, problem: bool = False) -> None:
        note = self.query_one("#audit-note", Static)
        note.update(text)
        note.set_class(problem, "-problem")

    # --- pages ---------------------------------------------------------------------------------

    def _fetch_page(self, page: int) -> None:
        """A page by the id of the row above it when that page is here, else by its offset."""
        table = self.table
        above = table.pages.get(page - 1)
        if above and len(above) == PAGE_SIZE:
            before_id, offset = above[-1].id, 0
        else:
            before_id, offset = self.listing.page_start, page * PAGE_SIZE
        self.call(audit_page, self.wanted, before_id=before_id, offset=offset, limit=PAGE_SIZE,
                  on_done=partial(table.fill, table.generation, page))

    def _cells(self, row: AuditRow) -> tuple[str, ...]:
        content = self.t("audit_log.redacted") if row.redacted \
            else SEPARATOR.join(text for text in (row.summary, one_line(row.detail)) if text)
        return (str(row.id), f"{row.at:%Y-%m-%d %H:%M}", row.username, self._action(row.action), _about(row),
                content)

    def _action(self, code: str) -> str:
        """An action's name in the app's language; the code for one the catalogue lacks."""
        key = f"audit.action.{code}"
        return self.t(key) if self.station.catalogue.has(key) else code

    # --- the user's side -------------------------------------------------------------------------

    def on_audit_filters_changed(self, event: AuditFilters.Changed) -> None:
        self.criteria = event.criteria
        self.load()

    def on_audit_filters_invalid(self, event: AuditFilters.Invalid) -> None:
        self._note(event.message, problem=True)

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        event.stop()
        row = event.row
        assert isinstance(row, AuditRow)
        heading = self.t("audit_log.detail_heading", at=f"{row.at:%Y-%m-%d %H:%M:%S}", user=row.username,
                         action=self._action(row.action), entity=_about(row))
        lines = value_lines(row, redacted=self.t("audit_log.redacted_note"),
                            detail_label=self.t("audit_log.col_detail"), empty=self.t("audit_log.no_values"))
        self.app.push_screen(AuditRowDialog(self.t("audit_log.detail_title", id=row.id), heading, lines))

    def action_focus_filters(self) -> None:
        self.query_one(AuditFilters).focus_first()

    def action_refresh(self) -> None:
        """Read the listing again: rows written since it was sized come in at the top."""
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()


def _about(row: AuditRow) -> str:
    """What the row is about: `person 12`, or the entity alone."""
    return f"{row.entity} {row.entity_id}" if row.entity_id is not None else row.entity
