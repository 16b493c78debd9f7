"""The base of the household operation dialogs: a small form; Ctrl+S first has the service check
what was typed (nothing is written), then asks for a confirmation that says what will happen (with
any plausibility warnings), then the service runs with the versions the clerk saw.

A refusal keeps the form open with the Chinese message (nothing was saved); a stale version closes
it so the household file reloads; a duplicate ID offers to open the existing person's household.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Grid
from textual.widget import Widget
from textual.widgets import Button, Input, Label

from screens.keys import bindings
from screens.widgets.dialog_box import DIALOGS_CSS
from screens.widgets.dialogs import ConfirmDialog, FormDialog
from screens.widgets.labels import FormError
from screens.widgets.phone_input import PhoneInput
from station.dates import NoSuchDay, parse_day
from station.errors import ConflictError, DuplicateError, StationError, ValidationError
from station.residents.records import Warning


@dataclass(frozen=True)
class Operation:
    """One service call the clerk is asked to confirm."""

    summary: str
    service: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)
    notice: str = ""
    # The household to show afterwards when it is not the current one (a merge into the other).
    show_household: int | None = None
    # The service's check (same arguments, writes nothing, returns warnings): asked before confirming.
    check: Callable[..., Any] | None = None


@dataclass(frozen=True)
class Outcome:
    """What the household file does after a dialog closed."""

    notice: str = ""
    show_household: int | None = None
    open_person: int | None = None  # a duplicate ID: open the existing person's household
    stale: StationError | None = None  # someone saved first: show the message and reload


class OperationDialog(FormDialog[Outcome | None]):
    """Subclasses compose their fields in `compose_form` and build the `operation()` from them."""

    SUBMIT_BUTTON = "save"

    # The dialog look plus the forms' (a subclass's CSS_PATH replaces its base's).
    CSS_PATH = [DIALOGS_CSS, str(Path(__file__).with_name("operations.tcss"))]  # type: ignore[assignment]
    BINDINGS = bindings("form.save")
    HELP_TOPIC: ClassVar[str] = "household_ops"

    def __init__(self) -> None:
        super().__init__("", "", kind="form")
        self.pending: Operation | None = None
        self.checking = False

    def heading(self, title: str, message: str) -> None:
        """The box title and the line under it (subclasses set them once their record is known)."""
        self.title_text, self.message = title, message

    def compose_body(self) -> ComposeResult:
        yield from self.compose_form()
        yield FormError(id="op-error")

    def compose_form(self) -> ComposeResult:
        yield from ()

    def compose_buttons(self) -> ComposeResult:
        yield Button(self.t("household_ops.save"), id="save", variant="primary")
        yield Button(self.t("dialog.cancel"), id="cancel")

    def operation(self) -> Operation:
        raise NotImplementedError

    def on_mount(self) -> None:
        first = next((widget for widget in self.query("Input, Select, Checkbox, RadioSet, OptionList")
                      if widget.focusable), None)
        if first is not None:
            first.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves on; on the last field it reaches the save button."""
        event.stop()
        self.focus_next()

    def submit(self) -> None:
        if self.checking:
            return
        self.query_one(FormError).clear()
        try:
            self.pending = operation = self.operation()
        except StationError as error:
            self.refused(error)
            return
        if operation.check is None:
            self._ask(())
            return
        # Check first, confirm second: a refusal stays in the form and nothing is asked.
        self.checking = True
        self.call(operation.check, *operation.args, on_done=self._checked, on_error=self._check_refused,
                  **operation.kwargs)

    def _checked(self, warnings: Sequence[Warning]) -> None:
        self.checking = False
        self._ask(warnings)

    def _check_refused(self, error: StationError) -> None:
        self.checking = False
        self.refused(error)

    def _ask(self, warnings: Sequence[Warning]) -> None:
        assert self.pending is not None
        summary = self.pending.summary
        if warnings:
            language = self.station.catalogue.language
            notes = "\n".join(f"· {warning.render(language)}" for warning in warnings)
            summary += "\n\n" + self.t("household_ops.warnings", notes=notes)
        question = ConfirmDialog(self.t("household_ops.confirm_title"), summary)
        self.app.push_screen(question, callback=self._confirmed)

    def _confirmed(self, yes: bool | None) -> None:
        operation = self.pending
        if yes and operation is not None:
            self.call(operation.service, *operation.args, on_done=self._done, on_error=self.refused,
                      **operation.kwargs)

    def _done(self, result: object) -> None:
        operation = self.pending
        assert operation is not None
        self.dismiss(Outcome(self.notice_for(result), show_household=operation.show_household))

    def notice_for(self, result: object) -> str:
        """What the clerk is told once the service saved (a split names the new household)."""
        return self.pending.notice if self.pending else ""

    def refused(self, error: StationError) -> None:
        if isinstance(error, ConflictError):
            self.dismiss(Outcome(stale=error))
            return
        about = next(iter(self.query(f"#{error.field}").results(Input)), None) if error.field else None
        self.query_one(FormError).show(self.error_text(error), about=about)
        if isinstance(error, DuplicateError) and error.existing_id is not None:
            existing = error.existing_id
            offer = self.t("household_form.duplicate_open", message=self.error_text(error))
            question = ConfirmDialog(self.error_title(error), offer)
            self.app.push_screen(question, callback=lambda yes: self._open_existing(existing, yes))

    def _open_existing(self, person_id: int, yes: bool | None) -> None:
        if yes:
            self.dismiss(Outcome(open_person=person_id))

    # --- reading the fields ------------------------------------------------------------------

    def text(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value.strip()

    def day(self, field_id: str) -> date:
        """A date field as a clerk types it (station.dates); empty means today."""
        raw = self.text(field_id)
        today = self.station.database.now().date()
        try:
            return parse_day(raw, today) or today
        except NoSuchDay:
            raise ValidationError("household_ops.no_such_day", value=raw, field=field_id) from None
        except ValueError:
            raise ValidationError("household_ops.bad_date", value=raw, field=field_id, today=today.isoformat()) from None

    def today_text(self) -> str:
        return self.station.database.now().date().isoformat()


def form_grid(*pairs: tuple[str, Widget], classes: str = "op-form") -> Grid:
    """Label and field side by side, two pairs a row (the rows are one line high)."""
    children: list[Widget] = []
    for label, widget in pairs:
        children.extend((Label(label, classes="op-label", markup=False), widget))
    return Grid(*children, classes=classes)


def field_input(field_id: str, value: str = "", placeholder: str = "", **kwargs: Any) -> Input:
    # A phone field shows the number as it will be saved once left (see screens.widgets.phone_input).
    kind = PhoneInput if field_id == "phone" else Input
    return kind(value, placeholder=placeholder, id=field_id, compact=True, **kwargs)


def joined(parts: Iterable[str], separator: str = "、") -> str:
    return separator.join(part for part in parts if part)
