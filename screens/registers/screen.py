"""Special-needs registers (重点人群): one category's open entries, most overdue first.

←/→ on the list (or the selector at the top) change the category; Enter opens the person's
household; Ctrl+N registers a resident, Ctrl+E ends the highlighted entry, F9 prints the person's
档案卡. Adding and ending are offered only to roles with registers.write.
"""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Select, Static

from screens.base import StationScreen
from screens.keys import bindings
from screens.registers.table import EntryTable
from screens.widgets.labels import TopBar, station_footer
from screens.widgets.list_search import ListSearch
from station.permissions import allowed
from station.registers.records import RegisterEntryRecord
from station.registers.view_records import RegisterPage
from station.registers.views import LIST_LIMIT, register_page
from station.search.records import SearchHit

WRITE_ACTIONS = frozenset({"add_entry", "end_entry"})
ROW_ACTIONS = frozenset({"end_entry", "print"})


class RegistersScreen(StationScreen):
    CSS_PATH = "screen.tcss"
    HELP_TOPIC: ClassVar[str] = "registers"
    BINDINGS = bindings("registers.add", "registers.end", "registers.search", "screen.print")

    def __init__(self) -> None:
        super().__init__()
        self.categories = dict(self.station.settings.registers.categories)
        self.category = next(iter(self.categories))
        self.page: RegisterPage | None = None
        self.generation = 0
        self.keep_entry_id: int | None = None
        self.search_text = ""

    def compose(self) -> ComposeResult:
        yield TopBar("nav.registers")
        with Vertical(id="registers"):
            with Horizontal(id="registers-bar"):
                yield Select([(self.named("register_category", code, name), code) for code, name in self.categories.items()], value=self.category,
                             allow_blank=False, id="category")
                with Vertical(id="registers-notes"):
                    yield ListSearch(self.t("registers.search_placeholder"), "#entries", id="registers-search")
                    yield Static(self.t("registers.loading"), id="registers-note", markup=False)
                    yield Static(self.t("registers.hint"), id="registers-hint", markup=False)
            yield EntryTable(id="entries", cursor_type="row", zebra_stripes=True)
        yield station_footer()

    def on_mount(self) -> None:
        self.query_one(EntryTable).focus()

    def server_changed(self, down: bool) -> None:
        """Read again once the database server is back: what was shown may be stale."""
        if not down:
            self.load()

    def on_screen_resume(self, _event: events.ScreenResume) -> None:
        # Also after the add form, the end dialog or the household file: the list may have changed.
        self.load()

    # --- the list ----------------------------------------------------------------------------

    def load(self) -> None:
        """Ask for the category's page; answers to older requests are dropped when they arrive."""
        selected = self.selected()
        if selected is not None and self.keep_entry_id is None:
            self.keep_entry_id = selected.id
        self.generation += 1
        self.call(register_page, self.category, limit=LIST_LIMIT, query=self.search_text,
                  on_done=partial(self.show_page, self.generation))

    def on_list_search_search(self, event: ListSearch.Search) -> None:
        self.search_text = event.query
        self.load()

    def action_focus_search(self) -> None:
        self.query_one(ListSearch).focus()

    def show_page(self, generation: int, page: RegisterPage) -> None:
        if generation != self.generation:
            return
        self.page = page
        self.query_one(EntryTable).show_entries(page.entries, self.keep_entry_id)
        self.keep_entry_id = None
        self.query_one("#registers-note", Static).update(self._note(page))
        self.refresh_bindings()

    def _note(self, page: RegisterPage) -> str:
        if not page.total:
            if self.search_text.strip():
                return self.t("registers.not_found", query=self.search_text.strip())
            return self.t("registers.empty")
        note = self.t("registers.count", total=page.total, overdue=page.overdue, due_soon=page.due_soon)
        if page.capped:
            note += " " + self.t("registers.capped", shown=len(page.entries))
        return note

    def selected(self) -> RegisterEntryRecord | None:
        if self.page is None or not self.page.entries:
            return None
        row = self.query_one(EntryTable).cursor_row
        return self.page.entries[row] if 0 <= row < len(self.page.entries) else None

    # --- category ----------------------------------------------------------------------------

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "category" and isinstance(event.value, str) and event.value != self.category:
            self.category = event.value
            self.load()

    def shift_category(self, step: int) -> None:
        codes = list(self.categories)
        code = codes[(codes.index(self.category) + step) % len(codes)]
        self.query_one("#category", Select).value = code

    # --- actions -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Textual: False leaves the key out of the footer, None shows it dimmed.
        if action in WRITE_ACTIONS and not allowed(self.station.actor, "registers.write"):
            return False  # not this role's work: the key is not offered at all
        if action in ROW_ACTIONS and self.selected() is None:
            return None  # an empty list: nothing to end or print yet
        return True

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        entry = self.selected()
        if entry is None:
            return
        from screens.ledger.open_home import open_person_home

        open_person_home(self.station, entry.person_id, entry.person_name, entry.household_id)

    def action_add_entry(self) -> None:
        from screens.widgets.person_picker import PickPersonDialog

        self.app.push_screen(PickPersonDialog(self.t("registers.pick_title")), callback=self._picked)

    def _picked(self, hit: SearchHit | None) -> None:
        from screens.registers.form import RegisterEntryForm

        if hit is not None:
            self.app.push_screen(RegisterEntryForm(hit, self.category), callback=self._added)

    def _added(self, entry: RegisterEntryRecord | None) -> None:
        if entry is None:
            return
        category = self.named("register_category", entry.category, entry.category_name)
        self.notify(self.t("registers.added", name=entry.person_name, category=category))
        self.keep_entry_id = entry.id
        if entry.category != self.category:
            self.query_one("#category", Select).value = entry.category

    def action_end_entry(self) -> None:
        from screens.widgets.end_register import EndEntryDialog

        entry = self.selected()
        if entry is not None:
            self.app.push_screen(EndEntryDialog(entry), callback=self._ended)

    def _ended(self, entry: RegisterEntryRecord | None) -> None:
        if entry is not None:
            category = self.named("register_category", entry.category, entry.category_name)
            self.notify(self.t("registers.ended", name=entry.person_name, category=category))

    def action_print(self) -> None:
        # Imported here: the PDF makers are not needed until someone prints.
        from reports.print_jobs import print_person
        from screens.widgets.printing import start_print

        entry = self.selected()
        if entry is not None:
            start_print(self, print_person, entry.person_id)
