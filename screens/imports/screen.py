"""Import (导入): bring an Excel ledger into the database, all or nothing.

The admin names an .xlsx (typed, pasted, or picked from the files found nearby), checks it (a
dry run writes nothing) and imports it after confirming the counts of a check of the same file.
Refused rows are listed with their row, column and reason; with any refusal nothing is written,
and the file can be written again beside itself with an 错误原因 column to fix and re-import.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, OptionList, Select, Static
from textual.worker import Worker

from reports.excel_import.session import ImportOutcome, import_file, write_errors
from screens.base import StationScreen
from screens.imports.files import FileList, FileStamp, file_stamp, ledger_files, typed_path
from screens.imports.progress import ImportProgress
from screens.imports.summary import summary_text
from screens.keys import bindings
from screens.widgets.dialogs import ConfirmDialog
from screens.widgets.labels import FormError, TopBar, station_footer
from screens.widgets.tables import FittedTable
from station.errors import StationError
from station.permissions import allowed

REFUSALS_SHOWN = 500
ACTIONS = frozenset({"check", "run_import", "write_errors"})


class ImportScreen(StationScreen):
    CSS_PATH = "screen.tcss"
    HELP_TOPIC: ClassVar[str] = "import"
    BINDINGS = bindings("import.check", "import.run", "import.errors")

    def __init__(self) -> None:
        super().__init__()
        self.outcome: ImportOutcome | None = None
        self.checked: FileStamp | None = None  # file and mode of the last check without refusals
        self.busy = False
        self.worker: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        yield TopBar("nav.import")
        with Vertical(id="import"):
            with Horizontal(id="file-row"):
                yield Label(self.t("import.file"), classes="field-label")
                yield Input(placeholder=self.t("import.path_placeholder"), id="path")
                yield Label(self.t("import.mode"), classes="field-label")
                yield Select([(self.t("import.mode_insert"), "insert"), (self.t("import.mode_upsert"), "upsert")],
                             id="mode", allow_blank=False, value="insert")
            yield FormError(id="path-error")
            files = FileList(id="files")
            files.border_title = self.t("import.files_title")
            yield files
            yield ImportProgress(id="progress-row")
            yield Static(self.t("import.intro"), id="summary", markup=False)
            yield FittedTable(id="refusals", cursor_type="row", zebra_stripes=True)
        yield station_footer()

    def on_mount(self) -> None:
        table = self.query_one("#refusals", DataTable)
        table.add_column(self.t("import.col_row"), key="row")
        table.add_column(self.t("import.col_column"), key="column")
        table.add_column(self.t("import.col_reason"), key="reason")
        if not self.may_import():
            self._refuse()
            return
        settings = self.station.settings
        folders = (Path.cwd(), settings.base_dir, settings.resolve(settings.reports.folder))
        self.station.gateway.run(self, partial(ledger_files, folders), on_done=self.show_files, name="ledger files")
        self.query_one("#path", Input).focus()

    def may_import(self) -> bool:
        return allowed(self.station.actor, "data.import")

    def _refuse(self) -> None:
        """Reached without the permission (e.g. from the palette): say so and offer nothing."""
        for widget in self.query("#path, #mode, #files, #refusals"):
            widget.disabled = True
        self.query_one("#summary", Static).update(Text(self.t("import.not_allowed"), style="bold red"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # False hides a key, None greys it out (while a check or an import runs).
        if action not in ACTIONS:
            return True
        if not self.may_import():
            return False
        if action == "write_errors":
            return self.outcome is not None and bool(self.outcome.report.errors)
        return None if self.busy else True

    # --- choosing the file ----------------------------------------------------------------------

    def show_files(self, paths: list[Path]) -> None:
        self.query_one(FileList).show(paths, Path.cwd().resolve(), self.t("import.no_files"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.query_one("#path", Input).value = event.option.id
            self.query_one("#path", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#path-error", FormError).clear()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_check()

    def chosen_file(self) -> Path | None:
        """The path typed, or None after saying that one is needed."""
        path = typed_path(self.query_one("#path", Input).value)
        if path is None:
            self.query_one("#path-error", FormError).show(self.t("import.no_path"))
            self.query_one("#path", Input).focus()
        return path

    def chosen_mode(self) -> str:
        value = self.query_one("#mode", Select).value
        return value if isinstance(value, str) else "insert"

    # --- checking and importing -----------------------------------------------------------------

    def action_check(self) -> None:
        path = self.chosen_file()
        if path is not None and not self.busy:
            self.start(path, self.chosen_mode(), dry_run=True)

    def action_run_import(self) -> None:
        """Confirm the counts of a check of this very file and mode, checking it first if need be."""
        path = self.chosen_file()
        if path is None or self.busy:
            return
        mode = self.chosen_mode()
        if self.outcome is not None and self.checked is not None and self.checked == file_stamp(path, mode):
            self.confirm(self.outcome)
        else:
            self.start(path, mode, dry_run=True, then=self.confirm)

    def confirm(self, outcome: ImportOutcome) -> None:
        report = outcome.report
        if report.errors:
            return  # the refusals are on screen: nothing would be written
        counts = report.counts
        question = self.t("import.confirm", file=outcome.path.name, mode=self.mode_name(report.mode),
                          rows=counts.rows_read, created=counts.persons_created, updated=counts.persons_updated,
                          households=counts.households_created, grids=len(report.new_grids),
                          buildings=len(report.new_buildings))
        self.app.push_screen(ConfirmDialog(self.t("import.confirm_title"), question),
                             callback=partial(self._import_if_confirmed, outcome))

    def _import_if_confirmed(self, outcome: ImportOutcome, confirmed: bool | None) -> None:
        if confirmed:
            self.start(outcome.path, outcome.report.mode, dry_run=False)

    def start(self, path: Path, mode: str, *, dry_run: bool,
              then: Callable[[ImportOutcome], None] | None = None) -> None:
        self.outcome, self.checked = None, None
        self._set_busy(True)
        progress = self.query_one(ImportProgress)
        progress.begin()
        self.query_one("#refusals", DataTable).clear()
        self.query_one("#summary", Static).update(self.t("import.checking" if dry_run else "import.importing"))
        self.worker = self.call(import_file, path, mode=mode, dry_run=dry_run, progress=progress.reporter(),
                                on_done=partial(self.finished, file_stamp(path, mode), then), on_error=self.failed)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # An unexpected failure gets the gateway's dialog but neither callback: end the run here.
        if event.worker is self.worker and event.worker.is_finished and self.busy:
            self._set_busy(False)
            self.query_one(ImportProgress).stop()
            self.query_one("#summary", Static).update(Text(self.t("import.interrupted"), style="bold red"))

    def finished(self, stamp: FileStamp | None, then: Callable[[ImportOutcome], None] | None,
                 outcome: ImportOutcome) -> None:
        report = outcome.report
        self.outcome = outcome
        self.checked = stamp if report.dry_run and not report.errors else None
        self._set_busy(False)
        self.show_outcome(outcome)
        if then is not None:
            then(outcome)

    def failed(self, error: StationError) -> None:
        """A problem with the file as a whole (not a .xlsx, no header, a column missing): nothing written."""
        self.outcome, self.checked = None, None
        self._set_busy(False)
        self.query_one(ImportProgress).stop()
        self.query_one("#summary", Static).update(Text(self.t("import.failed", message=self.error_text(error)),
                                                       style="bold red"))

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.refresh_bindings()

    def show_outcome(self, outcome: ImportOutcome) -> None:
        """The summary and the refusals (at most REFUSALS_SHOWN, in row order)."""
        errors = outcome.report.errors
        table = self.query_one("#refusals", DataTable)
        table.clear()
        language = self.station.catalogue.language
        for error in errors[:REFUSALS_SHOWN]:
            table.add_row(f"{error.sheet} {error.row}" if error.sheet else str(error.row), error.column,
                          error.reason_text(language))
        shown = min(len(errors), REFUSALS_SHOWN)
        self.query_one("#summary", Static).update(summary_text(self.t, outcome.report, shown,
                                                               tuple(outcome.headers)))

    def mode_name(self, mode: str) -> str:
        return {"insert": self.t("import.mode_insert"), "upsert": self.t("import.mode_upsert")}.get(mode, mode)

    # --- the errors workbook --------------------------------------------------------------------

    def action_write_errors(self) -> None:
        if self.outcome is not None and self.outcome.report.errors:
            write = partial(write_errors, self.outcome, self.station.settings,
                            language=self.station.catalogue.language)
            self.station.gateway.run(self, write, on_done=self.errors_written, name="errors workbook")

    def errors_written(self, written: tuple[Path, int]) -> None:
        path, marked = written
        self.notify(self.t("import.errors_written", path=str(path), rows=marked), timeout=12)
