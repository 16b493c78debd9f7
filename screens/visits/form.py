"""Quick visit entry (新建走访): pick the resident, then type, date, content, follow-up, worker.

Type, date (today) and worker (the user, when they may log visits) come filled in, so the usual
visit is: the name, Enter, the content, Ctrl+S. Enter moves from field to field (a choice list
opens with ↓ or Space); Ctrl+F picks another resident; Esc closes (asking first when something
was typed).
"""

from __future__ import annotations

import weakref
from datetime import date, timedelta
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from screens.base import StationModal
from screens.keys import bindings
from screens.visits.fields import FieldProblem, FormSelect, VisitTarget
from screens.widgets.form_errors import ClearsFormErrors
from screens.widgets.labels import FormError, station_footer
from screens.widgets.person_picker import PickPersonDialog
from screens.widgets.unsaved import UnsavedGuard, count_as_opened
from station.dates import NoSuchDay, parse_day
from station.errors import PermissionDenied, StationError
from station.permissions import allowed, require
from station.search.records import SearchHit
from station.text_rules import limit_of
from station.visits.log import VISIT_KINDS
from station.visits.view_records import VisitLogged, WorkerOption
from station.visits.views import list_workers, log_visit_with_follow_up

# The service's field names → this form's fields (where the cursor goes on an error).
FIELD_OF_ERROR = {"kind": "kind", "done_on": "done_on", "content": "content",
                  "follow_up_on": "follow_up_on", "planned_on": "follow_up_on", "worker_id": "worker"}
FIELDS = ("kind", "done_on", "content", "follow_up_note", "follow_up_on", "worker")
# The visit type each user saved last, while the app runs.
_last_kind: weakref.WeakKeyDictionary[Any, dict[int | None, str]] = weakref.WeakKeyDictionary()
# Visits saved through this form, per app: lists under it reload when the count moved (the form
# also opens from the Ctrl+P palette, where nobody waits for its result).
_saved: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()


def visits_saved(app: Any) -> int:
    """How many visits this app has saved with the form so far."""
    return _saved.get(app, 0)


class NewVisitScreen(ClearsFormErrors, UnsavedGuard, StationModal[VisitLogged | None]):
    CSS_PATH = "form.tcss"
    HELP_TOPIC: ClassVar[str] = "visit_form"
    BINDINGS = bindings("form.save", "visit_form.pick", "dialog.close")

    def __init__(self, target: VisitTarget | None = None):
        super().__init__()
        self.target = target
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box") as box:
            box.border_title = self.t("visit_form.title")
            yield Static(self.t("visit_form.no_target"), id="visit-target", markup=False)
            with Grid(classes="form", id="visit-fields"):
                yield from self._labelled("kind", FormSelect(
                    [(name, kind) for kind, name in VISIT_KINDS.items()], allow_blank=False,
                    value=self._default_kind(), id="kind", compact=True))
                yield from self._labelled("done_on", Input(self._today().isoformat(), id="done_on", max_length=10,
                                                                 compact=True))
                yield from self._labelled("content", Input(placeholder=self.t("visit_form.content_hint"),
                                                           id="content", max_length=limit_of("visits.content"),
                                                           compact=True))
                yield from self._labelled("follow_up_note", Input(placeholder=self.t("visit_form.note_hint"),
                                                                  id="follow_up_note", max_length=limit_of("visits.content"),
                                                                  compact=True))
                next_week = (self._today() + timedelta(days=7)).isoformat()  # an example day still to come
                yield from self._labelled("follow_up_on", Input(placeholder=self.t("visit_form.day_hint", next_week=next_week),
                                                                id="follow_up_on", max_length=10, compact=True))
                yield from self._labelled("worker", FormSelect([], prompt=self.t("visit_form.pick_worker"),
                                                               id="worker", compact=True))
            yield FormError(id="form-error")
            yield Static(self.t("visit_form.keys_note"), id="keys-note", markup=False)
        yield station_footer()

    def _labelled(self, field: str, widget: Widget) -> ComposeResult:
        yield Label(self.t(f"visit_form.{field}"))
        yield widget

    def _today(self) -> date:
        return self.station.database.now().date()

    def _default_kind(self) -> str:
        return _last_kind.get(self.app, {}).get(self.station.actor.user_id, "home_visit")

    # --- start: may this user log, who is visited, who visits --------------------------------

    def on_mount(self) -> None:
        try:
            require(self.station.actor, "visits.write")
        except PermissionDenied as refused:
            self.dismiss(None)
            self.station.show_error(refused)
            return
        self.call(list_workers, on_done=self.show_workers)
        if self.target is None:
            self.action_pick_person()
        else:
            self.show_target(self.target)

    def show_workers(self, workers: list[WorkerOption]) -> None:
        select = self.query_one("#worker", FormSelect)
        select.set_options([(worker.display_name, worker.id) for worker in workers])
        actor = self.station.actor
        if allowed(actor, "visits.write") and actor.user_id in {worker.id for worker in workers}:
            select.value = actor.user_id
        count_as_opened(select)

    def action_pick_person(self) -> None:
        self.app.push_screen(PickPersonDialog(self.t("visit_form.pick_title")), callback=self.picked)

    def picked(self, hit: SearchHit | None) -> None:
        if hit is not None:
            self.show_target(VisitTarget.of_hit(hit))
        elif self.target is None:
            self.dismiss(None)

    def show_target(self, target: VisitTarget) -> None:
        self.target = target
        self.query_one("#visit-target", Static).update(self.t(
            "visit_form.target", name=target.person_name, number=target.household_number or "—",
            grid=target.grid_name))
        self.query_one("#content", Input).focus()

    # --- moving and saving ---------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def action_save(self) -> None:
        if self.saving:
            return
        self._clear_problem()
        try:
            values = self.read()
        except FieldProblem as problem:
            self._show_problem(problem.field, problem.message)
            return
        self.saving = True
        self.call(log_visit_with_follow_up, **values, on_done=self.saved, on_error=self.refused)

    def read(self) -> dict[str, Any]:
        """The service's arguments from the fields; FieldProblem names what is wrong."""
        if self.target is None:
            raise FieldProblem("content", self.t("visit_form.no_target"))
        worker = self.query_one("#worker", FormSelect)
        if worker.is_blank():
            raise FieldProblem("worker", self.t("visit_form.no_worker"))
        done_on = self._day("done_on")
        if done_on is None:
            raise FieldProblem("done_on", self.t("visit_form.no_date"))
        return {"kind": self.query_one("#kind", FormSelect).value, "worker_id": worker.value,
                "person_id": self.target.person_id, "household_id": self.target.household_id,
                "done_on": done_on, "content": self._text("content"),
                "follow_up_note": self._text("follow_up_note"), "follow_up_on": self._day("follow_up_on")}

    def _text(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value

    def _day(self, field: str) -> date | None:
        label = self.t(f"visit_form.{field}")
        try:
            return parse_day(self._text(field), self._today())
        except NoSuchDay:
            raise FieldProblem(field, self.t("visit_form.no_such_day", field=label,
                                             value=self._text(field).strip())) from None
        except ValueError:
            raise FieldProblem(field, self.t("visit_form.bad_date", field=label, today=self._today().isoformat())) from None

    def saved(self, logged: VisitLogged) -> None:
        visit = logged.visit
        _last_kind.setdefault(self.app, {})[self.station.actor.user_id] = visit.kind
        _saved[self.app] = visits_saved(self.app) + 1
        self.notify(self.t("visit_form.saved", name=visit.person_name or visit.household_number,
                           day=str(visit.done_on)))
        if logged.plan is not None:
            self.notify(self.t("visit_form.planned", day=str(logged.plan.planned_on)))
        self.dismiss(logged)

    def refused(self, error: StationError) -> None:
        self.saving = False
        self._show_problem(FIELD_OF_ERROR.get(error.field or ""), self.error_text(error))

    def _show_problem(self, field: str | None, message: str) -> None:
        self.query_one(FormError).show(message)
        if field is not None:
            widget = self.query_one(f"#{field}")
            widget.add_class("-problem")
            widget.focus()

    def _clear_problem(self) -> None:
        self.query_one(FormError).clear()
        for field in FIELDS:
            self.query_one(f"#{field}").remove_class("-problem")
