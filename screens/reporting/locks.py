"""Month locks on the reports screen: the locked months, and locking or unlocking one.

A lock covers a whole community, so only those who see all of it get the list (station.month_locks
refuses the others); locking asks for confirmation, unlocking for a reason that is audited.
"""

from __future__ import annotations

from functools import partial

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from screens.base import Localized
from screens.keys import bindings
from screens.reporting.month import month_text
from screens.widgets.dialogs import ConfirmDialog, ReasonDialog
from screens.widgets.tables import FittedTable
from station.month_locks import MonthLockRecord, list_locks, lock_month, unlock_month

Month = tuple[int, int]


class LockTable(FittedTable[str]):
    """The locked months, newest first; Enter takes the highlighted month into the month field."""

    BINDINGS = bindings("reports.pick_month")


class MonthLocks(Localized, Vertical):
    """The box listing the community's locked months; the screen's keys lock and unlock."""

    class Changed(Message):
        """The list of locks was (re)loaded."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id, classes="section")
        self.locks: list[MonthLockRecord] = []

    def compose(self) -> ComposeResult:
        self.border_title = self.t("reports.locks_title")
        yield Static(self.t("reports.locks_hint"), id="locks-note", markup=False)
        yield LockTable(id="locks", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(LockTable)
        table.add_column(self.t("reports.col_month"), key="month")
        table.add_column(self.t("reports.col_locked_at"), key="locked_at")
        table.add_column(self.t("reports.col_locked_by"), key="locked_by")
        self.load()

    def lock_of(self, year: int, month: int) -> MonthLockRecord | None:
        return next((lock for lock in self.locks if (lock.year, lock.month) == (year, month)), None)

    def load(self) -> None:
        actor = self.station.actor
        if actor.community_id is None or actor.grid_ids is not None:
            self.query_one("#locks-note", Static).update(self.t("reports.locks_whole_only"))
            return
        self.call(list_locks, actor.community_id, on_done=self.show)

    def show(self, locks: list[MonthLockRecord]) -> None:
        self.locks = locks
        table = self.query_one(LockTable)
        table.clear()
        for lock in locks:
            month = month_text(lock.year, lock.month)
            table.add_row(month, f"{lock.locked_at:%Y-%m-%d %H:%M}", lock.locked_by, key=month)
        note = self.t("reports.locks_hint") if locks else self.t("reports.no_locks")
        self.query_one("#locks-note", Static).update(note)
        self.post_message(self.Changed())

    def ask_lock(self, chosen: Month) -> None:
        """Lock the month once the user has read what locking means."""
        question = ConfirmDialog(self.t("reports.lock_title"),
                                 self.t("reports.lock_question", month=self._month_name(chosen)))
        self.app.push_screen(question, callback=partial(self._lock_if_confirmed, chosen))

    def _lock_if_confirmed(self, chosen: Month, confirmed: bool | None) -> None:
        if confirmed:
            done = self.t("reports.locked", month=self._month_name(chosen))
            self.call(lock_month, self.station.actor.community_id, *chosen, on_done=partial(self._changed, done))

    def ask_unlock(self, chosen: Month) -> None:
        """Unlock a locked month, with the reason the audit log keeps."""
        if self.lock_of(*chosen) is None:
            self.notify(self.t("reports.not_locked", month=self._month_name(chosen)), severity="warning")
            return
        question = ReasonDialog(self.t("reports.unlock_title"),
                                self.t("reports.unlock_question", month=self._month_name(chosen)))
        self.app.push_screen(question, callback=partial(self._unlock_with_reason, chosen))

    def _unlock_with_reason(self, chosen: Month, reason: str | None) -> None:
        if reason:
            done = self.t("reports.unlocked", month=self._month_name(chosen))
            self.call(unlock_month, self.station.actor.community_id, *chosen, reason,
                      on_done=partial(self._changed, done))

    def _changed(self, message: str, _result: object) -> None:
        self.notify(message)
        self.load()

    def _month_name(self, chosen: Month) -> str:
        return self.t("reports.month_name", year=chosen[0], month=chosen[1])
