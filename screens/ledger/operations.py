"""The household file's operations (办理): each action opens its dialog, which asks for a confirmation
and calls the service with the versions on screen; afterwards the file reloads.

Roles without ledger.write are not offered the actions (check_action hides them from the footer).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from reports.print_jobs import print_resident
from screens.base import StationScreen
from screens.keys import active_by_id
from screens.ledger.household_edit import EditHouseholdDialog, MoveOutDialog
from screens.ledger.member_dialogs import AddMemberDialog, EditMemberDialog
from screens.ledger.member_moves import (
    ChangeHeadDialog,
    RecordDeathDialog,
    RemoveMemberDialog,
    TransferMemberDialog,
)
from screens.ledger.op_dialog import OperationDialog, Outcome
from screens.ledger.ops_menu import OperationsMenu
from screens.ledger.split_merge import MergeDialog, SplitDialog
from screens.widgets.dialogs import ConfirmDialog
from screens.widgets.person_picker import PickPersonDialog
from screens.widgets.printing import start_print
from station.codes import HEAD
from station.dossiers.household import HouseholdFile
from station.ledger.queries import get_household, get_person
from station.ledger.records import HouseholdRecord
from station.permissions import allowed
from station.registers.records import RegisterEntryRecord
from station.residents.former_home_records import FormerHome
from station.residents.records import PersonRecord
from station.search.records import SearchHit

# The F8 menu in order: action → its binding id (for the key shown beside it).
MENU = {
    "edit_member": "household.edit_member",
    "add_member": "household.add_member",
    "remove_member": "household.remove_member",
    "transfer_member": "household.transfer_member",
    "record_death": "household.record_death",
    "change_head": "household.change_head",
    "edit_household": "household.edit",
    "split": "household.split",
    "merge": "household.merge",
    "move_out": "household.move_out",
    "end_register": "household.end_register",
}
# Printouts in the F8 menu after the operations: offered to whoever may print (a clerk at the counter).
PRINT_MENU = {"resident_report": "household.resident_report"}
# Ending a register entry is register work (as in the registers list), not ledger work.
REGISTER_ACTIONS = frozenset({"end_register"})
WRITE_ACTIONS = frozenset({*MENU, "operations"}) - REGISTER_ACTIONS
MEMBER_ACTIONS = frozenset({"edit_member", "remove_member", "transfer_member", "record_death", "end_register",
                            "resident_report"})


class HouseholdOperations(StationScreen):
    """The actions; the household view (a subclass) shows the file and reloads it."""

    def __init__(self, household_id: int, *, history: FormerHome | None = None):
        super().__init__()
        self.household_id = household_id
        # Opened for someone who no longer lives here (deceased, moved away): history, read-only.
        self.history = history
        self.file: HouseholdFile | None = None

    def reload(self) -> None:
        raise NotImplementedError

    @property
    def household(self) -> HouseholdRecord | None:
        return self.file.household if self.file else None

    @property
    def read_only(self) -> bool:
        """History, or a household no one lives in any more: shown, never changed."""
        household = self.household
        return self.history is not None or (household is not None and household.status != "active")

    def focused_member(self) -> PersonRecord | None:
        person_id = getattr(self.focused, "person_id", None)
        members = self.household.members if self.household else ()
        return next((member for member in members if member.id == person_id), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # False hides the key from the footer as well as refusing it.
        if action in REGISTER_ACTIONS:
            return allowed(self.station.actor, "registers.write") and not self.read_only
        if action in WRITE_ACTIONS:
            return allowed(self.station.actor, "ledger.write") and not self.read_only
        if action in ("print", *PRINT_MENU):
            return allowed(self.station.actor, "reports.print")
        return True

    def key_text(self, binding_id: str) -> str:
        """A binding's key as the clerk presses it ([keymap] applied)."""
        found = active_by_id(self).get(binding_id)
        return self.app.get_key_display(found[0]) if found else ""

    # --- the menu ----------------------------------------------------------------------------

    def action_operations(self) -> None:
        if self.household is None:
            return
        member = self.focused_member()
        items = []
        for action, binding_id in {**MENU, **PRINT_MENU}.items():
            if self.check_action(action, ()) is False:
                continue
            label = self.t(f"household_ops.menu_{action}")
            if member is not None and action in MEMBER_ACTIONS:
                label = self.t("household_ops.menu_for", action=label, name=member.name)
            items.append((action, label, self.key_text(binding_id)))
        menu = OperationsMenu(self.t("household_ops.menu_title"),
                              self.t("household_ops.menu_message", number=self.household.number), items)
        self.app.push_screen(menu, callback=self._picked)

    def _picked(self, action: str | None) -> None:
        if action in MENU or action in PRINT_MENU:
            getattr(self, f"action_{action}")()

    # --- one action each ---------------------------------------------------------------------

    def action_edit_household(self) -> None:
        if self.household:
            self._open(EditHouseholdDialog(self.household))

    def action_add_member(self) -> None:
        if self.household:
            self._open(AddMemberDialog(self.household))

    def action_move_out(self) -> None:
        if self.household:
            self._open(MoveOutDialog(self.household))

    def action_change_head(self) -> None:
        if self.household and self._others_than_head(self.household):
            self._open(ChangeHeadDialog(self.household))

    def action_split(self) -> None:
        if self.household and self._others_than_head(self.household):
            self._open(SplitDialog(self.household))

    def action_edit_member(self) -> None:
        if member := self._member():
            self._open(EditMemberDialog(member))

    def action_remove_member(self) -> None:
        if (member := self._member()) and self.household:
            self._open(RemoveMemberDialog(self.household, member))

    def action_record_death(self) -> None:
        if (member := self._member()) and self.household:
            self._open(RecordDeathDialog(self.household, member))

    def action_transfer_member(self) -> None:
        if member := self._member():
            picker = PickPersonDialog(self.t("household_ops.transfer_pick", name=member.name))
            self.app.push_screen(picker, callback=partial(self._other_household, partial(self._transfer, member)))

    def action_merge(self) -> None:
        if self.household:
            picker = PickPersonDialog(self.t("household_ops.merge_pick", number=self.household.number))
            self.app.push_screen(picker, callback=partial(self._other_household, self._merge))

    def action_end_register(self) -> None:
        """结束登记 of the selected member: the registers screen's dialog and permission."""
        member = self._member()
        if member is None or self.file is None:
            return
        entries = [entry for entry in self.file.registers if entry.person_id == member.id and entry.is_open]
        if not entries:
            self.notify(self.t("household_ops.no_open_register", name=member.name), severity="warning")
        elif len(entries) == 1:
            self._end_entry(entries[0])
        else:
            items = [(str(entry.id), self.named("register_category", entry.category, entry.category_name), "")
                     for entry in entries]
            menu = OperationsMenu(self.t("household_ops.menu_end_register"),
                                  self.t("household_ops.end_register_pick", name=member.name), items)
            by_id = {str(entry.id): entry for entry in entries}
            self.app.push_screen(menu, callback=lambda chosen: self._end_entry(by_id[chosen]) if chosen else None)

    def action_resident_report(self) -> None:
        """个人信息查阅单 of the selected member: for them in person, so the clerk first says their ID
        card was checked (the printout holds their whole ID and phone numbers)."""
        if member := self._member():
            question = ConfirmDialog(self.t("household_ops.resident_report_title"),
                                     self.t("household_ops.resident_report_check", name=member.name))
            self.app.push_screen(question, callback=partial(self._print_resident_report, member))

    def _print_resident_report(self, member: PersonRecord, checked: bool | None) -> None:
        if checked:
            start_print(self, print_resident, member.id)

    def _end_entry(self, entry: RegisterEntryRecord) -> None:
        from screens.widgets.end_register import EndEntryDialog

        self.app.push_screen(EndEntryDialog(entry), callback=self._entry_ended)

    def _entry_ended(self, entry: RegisterEntryRecord | None) -> None:
        if entry is not None:
            category = self.named("register_category", entry.category, entry.category_name)
            self.notify(self.t("registers.ended", name=entry.person_name, category=category))
            self.reload()

    def _transfer(self, member: PersonRecord, target: HouseholdRecord) -> None:
        if self.household:
            self._open(TransferMemberDialog(self.household, member, target))

    def _merge(self, other: HouseholdRecord) -> None:
        if self.household:
            self._open(MergeDialog(self.household, other))

    # --- helpers -----------------------------------------------------------------------------

    def _member(self) -> PersonRecord | None:
        member = self.focused_member()
        if member is None and self.household is not None:
            self.notify(self.t("household_ops.choose_member"), severity="warning")
        return member

    def _others_than_head(self, household: HouseholdRecord) -> bool:
        if any(member.relation != HEAD for member in household.members):
            return True
        self.notify(self.t("household_ops.only_head"), severity="warning")
        return False

    def _other_household(self, then: Callable[[HouseholdRecord], None], hit: SearchHit | None) -> None:
        """The picked person's household, read fresh (its version), unless it is none or this one."""
        if hit is None:
            return
        if hit.household_id is None:
            self.notify(self.t("ledger.no_household", name=hit.name), severity="warning")
        elif hit.household_id == self.household_id:
            self.notify(self.t("household_ops.same_household"), severity="warning")
        else:
            self.call(get_household, hit.household_id, on_done=then)

    def _open(self, dialog: OperationDialog) -> None:
        self.app.push_screen(dialog, callback=self.operation_done)

    def operation_done(self, outcome: Outcome | None) -> None:
        if outcome is None:
            return
        if outcome.stale is not None:
            self.station.show_error(outcome.stale)
        elif outcome.open_person is not None:
            self.call(get_person, outcome.open_person, on_done=self._open_home_of)
            return
        if outcome.show_household is not None:
            self.household_id = outcome.show_household
        if outcome.notice:
            self.notify(outcome.notice)
        self.reload()

    def _open_home_of(self, person: PersonRecord) -> None:
        if person.household_id is not None:
            self.app.push_screen(type(self)(person.household_id))
