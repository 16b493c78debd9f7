"""Register a resident in a special-needs register (登记重点人群): category, start date, worker,
visit cycle, the category's typed attributes and notes. Ctrl+S saves; Esc closes (asking first
when something was typed)."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.widgets import Input, Select, Static

from screens.base import StationModal
from screens.keys import bindings
from screens.registers.attributes import AttributeFields
from screens.widgets.form_errors import ClearsFormErrors
from screens.widgets.labels import FormError, station_footer
from screens.widgets.unsaved import UnsavedGuard, count_as_opened
from station.accounts.records import UserRecord
from station.accounts.users import list_users
from station.dates import NoSuchDay, parse_day
from station.errors import StationError, ValidationError
from station.idcard import mask_id
from station.registers.checks import register_warnings
from station.registers.entries import add_entry
from station.registers.records import RegisterEntryRecord
from station.residents.records import Warning
from station.search.records import SearchHit
from station.text_rules import limit_of

UNIT = re.compile(r"\s*[((][^))]*[))]")
# The label each field has in the form: a service's message about a field is shown with it.
FIELD_LABELS = {
    "category": "register_form.category", "start_on": "register_form.start_on",
    "worker_id": "register_form.worker_id", "visit_every_days": "register_form.visit_every_days",
    "notes": "register_form.notes", "disability_category": "register_form.disability_category",
    "disability_grade": "register_form.disability_grade", "certificate_no": "register_form.certificate_no",
    "scheme_no": "register_form.scheme_no", "monthly_amount": "register_form.monthly_amount",
    "guardian": "register_form.guardian", "guardian_phone": "register_form.guardian_phone",
}


class RegisterEntryForm(ClearsFormErrors, UnsavedGuard, StationModal[RegisterEntryRecord | None]):
    """Answers the saved entry, or None when closed with Esc."""

    CSS_PATH = "form.tcss"
    HELP_TOPIC: ClassVar[str] = "register_form"
    BINDINGS = bindings("form.save", "form.back")

    def __init__(self, person: SearchHit, category: str):
        super().__init__()
        self.person = person
        self.categories = dict(self.station.settings.registers.categories)
        self.category = category if category in self.categories else next(iter(self.categories))
        self.saving = False

    def compose(self) -> ComposeResult:
        today = self.station.database.now().date()
        with VerticalScroll(id="register-form") as form:
            form.border_title = self.t("register_form.title")
            yield Static(self._person_line(), id="form-person", markup=False)
            yield Static("", id="form-warning", markup=False)
            with Grid(id="entry-fields"):
                yield _label(self.t("register_form.category"))
                yield Select([(self.named("register_category", code, name), code) for code, name in self.categories.items()], value=self.category,
                             allow_blank=False, id="category")
                yield _label(self.t("register_form.start_on"))
                yield Input(today.isoformat(), id="start_on", max_length=12)
                yield _label(self.t("register_form.worker_id"))
                yield Select[int]([], prompt=self.t("register_form.no_worker"), id="worker_id")
                yield _label(self.t("register_form.visit_every_days"))
                yield Input(self._every_days(), id="visit_every_days", type="integer", max_length=3)
            yield Static(self.t("register_form.attributes"), id="attributes-label", markup=False)
            yield AttributeFields(id="attributes")
            with Grid(id="notes-row"):
                yield _label(self.t("register_form.notes"))
                yield Input(id="notes", max_length=limit_of("register_entries.notes"))
            yield FormError(id="form-error")
        yield station_footer()

    def _person_line(self) -> str:
        hit = self.person
        parts = [hit.name, mask_id(hit.id_number), hit.household_number, hit.grid_name, hit.address]
        return self.t("register_form.person", person="  ".join(part for part in parts if part))

    def _every_days(self) -> str:
        return str(self.station.settings.visit_every_days(self.category))

    def on_mount(self) -> None:
        self.query_one(AttributeFields).show_for(self.category)
        self.query_one("#category", Select).focus()
        self.call(list_users, on_done=self.show_workers)
        self.check_person()

    def check_person(self) -> None:
        """Notes on this person in this register (独居老人 in a household of several): never a refusal."""
        self.call(register_warnings, self.person.person_id, self.category, on_done=self.show_warnings)

    def show_warnings(self, warnings: tuple[Warning, ...]) -> None:
        note = self.query_one("#form-warning", Static)
        note.update("\n".join(warning.render(self.station.catalogue.language) for warning in warnings))
        note.display = bool(warnings)

    def show_workers(self, users: list[UserRecord]) -> None:
        workers = [user for user in users if not user.disabled and user.community_id is not None]
        select = self.query_one("#worker_id", Select)
        select.set_options([(self.t("register_form.worker_option", name=user.display_name,
                                    role=self.t(f"roles.{user.role}")), user.id) for user in workers])
        # The grid worker who looks after the resident's grid is the usual choice.
        for user in workers:
            if user.role == "grid_worker" and self.person.grid_id in user.grid_ids:
                select.value = user.id
                break
        count_as_opened(select)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "category" and isinstance(event.value, str) and event.value != self.category:
            self.category = event.value
            self.query_one(AttributeFields).show_for(self.category)
            self.query_one("#visit_every_days", Input).value = self._every_days()
            self.check_person()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    # --- saving ------------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.saving:
            return
        self.query_one(FormError).clear()
        try:
            values = self._values()
        except ValidationError as error:
            self.refused(error)
            return
        self.saving = True
        self.call(add_entry, self.person.person_id, self.category, values.pop("start_on"), **values,
                  on_done=self.saved, on_error=self.refused)

    def saved(self, entry: RegisterEntryRecord) -> None:
        self.dismiss(entry)

    def _values(self) -> dict[str, Any]:
        """What the service is given; a date or number the form cannot read is refused here."""
        today = self.station.database.now().date()
        typed = self.query_one("#start_on", Input).value
        try:
            start_on = parse_day(typed, today)
        except NoSuchDay:
            raise ValidationError("register_form.no_such_day", field="start_on", value=typed.strip()) from None
        except ValueError:
            start_on = None
        if start_on is None:
            raise ValidationError("register_form.bad_date", field="start_on", today=today.isoformat())
        every = self.query_one("#visit_every_days", Input).value.strip()
        worker = self.query_one("#worker_id", Select).value
        return {
            "start_on": start_on, "worker_id": worker if isinstance(worker, int) else None,
            "visit_every_days": int(every) if every.isdigit() else None,
            "attributes": self.query_one(AttributeFields).values(self.category),
            "notes": self.query_one("#notes", Input).value,
        }

    def refused(self, error: StationError) -> None:
        """Nothing was saved: say what is wrong, naming the field, and put the cursor there."""
        self.saving = False
        field = self.query_one(f"#{error.field}") if error.field in FIELD_LABELS else None
        self.query_one(FormError).show(self._message(error), about=field)
        if field is not None:
            field.focus()

    def _message(self, error: StationError) -> str:
        key = FIELD_LABELS.get(error.field or "")
        label = self.t(key) if key else ""
        # 走访周期(天) is named enough by a message that says 走访周期.
        text = self.error_text(error)
        if not label or UNIT.sub("", label) in text:
            return text
        return self.t("register_form.field_error", field=label, message=text)


def _label(text: str) -> Static:
    return Static(text, classes="field-label", markup=False)
