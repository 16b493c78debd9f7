"""One household's file (一户一档): address, members with masked numbers, registers, visits, requests.

The members are focusable lines (↑/↓ between them); the operations on them and on the household
live in screens.ledger.operations (F8 lists them all).
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from reports.print_jobs import print_household
from screens.keys import active_by_id, bindings
from screens.ledger.banner import read_only_banner
from screens.ledger.operations import MENU, PRINT_MENU, HouseholdOperations
from screens.widgets.labels import TopBar, station_footer
from screens.widgets.line_breaks import WrappedText
from screens.widgets.printing import start_print
from screens.widgets.reveal import PersonNumbers
from screens.widgets.tables import plain
from station.codes import sexes
from station.dossiers.household import HouseholdFile, household_file, open_household_file
from station.errors import StationError
from station.ledger.records import HouseholdRecord
from station.masking import mask_text
from station.permissions import allowed
from station.phone import mask_phone
from station.residents.kinship import relation_name
from station.residents.records import PersonRecord

SECTIONS = ("members", "registers", "visits", "requests")
MEMBER_LABEL_WIDTH = 22  # the longest relation, sex and age (其他亲属 · 女 · 100 岁)
# The operation keys the line under the members names (the footer has room for F8 only).
MEMBER_KEYS = ("household.edit_member", "household.remove_member", "household.add_member", "household.edit",
               "household.operations")


class MemberLine(PersonNumbers):
    """A member's name and masked numbers; ↑/↓ move to the neighbouring member."""

    BINDINGS = bindings("household.next_member", "household.previous_member")

    def action_next_member(self) -> None:
        self.screen.focus_next(MemberLine)

    def action_previous_member(self) -> None:
        self.screen.focus_previous(MemberLine)


class HouseholdScreen(HouseholdOperations):
    CSS_PATH = "household.tcss"
    HELP_TOPIC: ClassVar[str] = "household"
    BINDINGS = bindings("household.back", "household.operations", "screen.print", *MENU.values(),
                        *PRINT_MENU.values())

    def compose(self) -> ComposeResult:
        yield TopBar("nav.ledger")
        with VerticalScroll(id="household"):
            yield Static("…", id="household-head")
            yield WrappedText("", id="household-banner")
            for section in SECTIONS:
                box = Vertical(id=f"{section}-box", classes="section")
                box.border_title = self.t(f"household.{section}_title")
                with box:
                    yield Static(self.t("household.none"), id=f"{section}-list")
                    if section == "members":
                        yield Vertical(id="member-lines")
                        yield Static("", id="member-keys", markup=False)
        yield station_footer()

    def on_mount(self) -> None:
        self.call(open_household_file, self.household_id, on_done=self._loaded, on_error=self._not_opened)

    def reload(self) -> None:
        self.call(household_file, self.household_id, on_done=self._loaded)

    def _loaded(self, file: HouseholdFile) -> None:
        self.call_next(self.show_file, file)

    def _not_opened(self, error: StationError) -> None:
        """Outside the user's grids (or gone): go back and say why."""
        if self.is_current:
            self.dismiss()
        self.station.show_error(error)

    async def show_file(self, file: HouseholdFile) -> None:
        """Fill the sections from the file (also what the tests compare with the services)."""
        focused = self.focused_member()
        self.file = file
        self.query_one("#household-head", Static).update(self._head(file.household))
        banner = self.query_one("#household-banner", WrappedText)
        banner.update(read_only_banner(self, file, self.history))
        banner.display = self.read_only
        await self._show_members(file.household.members)
        self.query_one("#registers-list", Static).update(self._registers(file))
        self.query_one("#visits-list", Static).update(self._visits(file))
        self.query_one("#requests-list", Static).update(self._requests(file))
        self.query_one("#member-keys", Static).update(self._member_keys())
        self._focus_member(focused.id if focused else None)
        self.refresh_bindings()

    def _focus_member(self, person_id: int | None) -> None:
        """The member who had the focus before a reload, else the first (the head)."""
        lines = list(self.query(MemberLine))
        line = next((line for line in lines if line.person_id == person_id), lines[0] if lines else None)
        if line is not None:
            line.focus()

    def _member_keys(self) -> str:
        if not allowed(self.station.actor, "ledger.write") or self.read_only:
            return ""
        active = active_by_id(self)
        return "  ".join(f"{self.app.get_key_display(active[key][0])} {active[key][0].description}"
                         for key in MEMBER_KEYS if key in active)

    def _head(self, household: HouseholdRecord) -> Text:
        place = " ".join(part for part in (household.building_name, household.unit, household.room) if part)
        address = " ".join(part for part in (place, household.address) if part)
        return Text.assemble(
            (self.t("household.number", number=household.number), "bold"), "  ",
            self.t("household.grid", grid=household.grid_name), "  ",
            self.t(f"household.kind_{household.kind}"), "  ",
            self.t(f"household.status_{household.status}"), "\n",
            self.t("household.address", address=address or "—"), "  ",
            self.t("household.phone", phone=mask_phone(household.phone) or "—"),
            *(("\n", self.t("household.notes", notes=mask_text(household.notes))) if household.notes else ()))

    async def _show_members(self, members: tuple[PersonRecord, ...]) -> None:
        lines = self.query_one("#member-lines", Vertical)
        self.query_one("#members-list", Static).display = not members
        await lines.remove_children()
        labels = [self._member_label(member) for member in members]
        # As wide as this household's longest label (at most 22), not always 22: at 80 columns a
        # member's name and both numbers then fit one line instead of the phone wrapping.
        width = min(MEMBER_LABEL_WIDTH, max((cell_len(label) for label in labels), default=0) + 2)
        rows = []
        for member, label in zip(members, labels, strict=True):
            shown = Static(label, classes="member-label", markup=False)
            shown.styles.width = width
            rows.append(Horizontal(shown, MemberLine(member.id, member.name, member.id_number, member.phone,
                                                     id=f"member-{member.id}"),
                                   classes="member"))
        await lines.mount_all(rows)

    def _member_label(self, member: PersonRecord) -> str:
        """关系 · 性别 · 年龄 (— for one who died)."""
        age = member.age if member.deceased_on is None else "—"
        sex = self.named("sex_short", member.sex, sexes().get(member.sex, ""))
        return f"{relation_name(member.relation)} · {sex} · {self.t('household.age', age=age)}"

    def _registers(self, file: HouseholdFile) -> Table | str:
        if not file.registers:
            return self.t("household.none")
        table = self._table("person", "category", "start_on", "next_visit")
        for entry in file.registers:
            ended = self.t("household.ended", on=entry.end_on) if entry.end_on else ""
            table.add_row(plain(entry.person_name), self.named("register_category", entry.category, entry.category_name), str(entry.start_on),
                          str(entry.next_visit_due or ended or "—"))
        return table

    def _visits(self, file: HouseholdFile) -> Table | str:
        if not file.visits:
            return self.t("household.none")
        table = self._table("date", "kind", "worker", "content")
        for visit in file.visits:
            when = visit.done_on or visit.planned_on
            planned = "" if visit.is_done else self.t("household.planned")
            table.add_row(f"{when}{planned}", visit.kind_name, plain(visit.worker_name),
                          plain(mask_text(visit.content)))
        return table

    def _requests(self, file: HouseholdFile) -> Table | str:
        if not file.requests:
            return self.t("household.none")
        table = self._table("number", "category", "state", "received")
        for request in file.requests:
            table.add_row(plain(request.number), self.named("request_category", request.category, request.category_name), self.t(f"requests.state.{request.state}"),
                          f"{request.received_at:%Y-%m-%d}")
        return table

    def _table(self, *columns: str) -> Table:
        table = Table(box=None, expand=True, padding=(0, 1))
        for column in columns:
            # Folded onto the next lines, not cut with "…": Rich finds no spaces to wrap a long
            # Chinese visit content at, and the file is where the whole of it is read.
            table.add_column(self.t(f"household.col_{column}"), overflow="fold")
        return table

    def action_print(self) -> None:
        if self.household is not None:
            start_print(self, print_household, self.household.number)

    def action_back(self) -> None:
        self.dismiss()
