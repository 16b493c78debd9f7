"""One household's file (一户一档): address, members with masked numbers, registers, visits, requests."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from station.codes import relations, sexes
from station.records.ledger import HouseholdRecord, PersonRecord

from .base import StationScreen
from .household_file import HouseholdFile, household_file
from .keys import bindings
from .reveal import PersonNumbers
from .widgets import TopBar, station_footer

SECTIONS = ("members", "registers", "visits", "requests")


class HouseholdScreen(StationScreen):
    CSS_PATH = "household_view.tcss"
    HELP_TOPIC: ClassVar[str] = "household"
    BINDINGS = bindings("household.back")

    def __init__(self, household_id: int):
        super().__init__()
        self.household_id = household_id
        self.file: HouseholdFile | None = None

    def compose(self) -> ComposeResult:
        yield TopBar()
        with VerticalScroll(id="household"):
            yield Static("…", id="household-head")
            for section in SECTIONS:
                box = Vertical(id=f"{section}-box", classes="section")
                box.border_title = self.t(f"household.{section}_title")
                with box:
                    yield Static(self.t("household.none"), id=f"{section}-list")
        yield station_footer()

    def on_mount(self) -> None:
        self.call(household_file, self.household_id, on_done=self.show_file)

    def show_file(self, file: HouseholdFile) -> None:
        """Fill the sections from the file (also what the tests compare with the services)."""
        self.file = file
        self.query_one("#household-head", Static).update(self._head(file.household))
        self._show_members(file.household.members)
        self.query_one("#registers-list", Static).update(self._registers(file))
        self.query_one("#visits-list", Static).update(self._visits(file))
        self.query_one("#requests-list", Static).update(self._requests(file))
        self.call_after_refresh(self._focus_first_member)

    def _focus_first_member(self) -> None:
        members = self.query(PersonNumbers)
        if members:
            members.first().focus()

    def _head(self, household: HouseholdRecord) -> Text:
        place = " ".join(part for part in (household.building_name, household.unit, household.room) if part)
        address = " ".join(part for part in (place, household.address) if part)
        return Text.assemble(
            (self.t("household.number", number=household.number), "bold"), "  ",
            self.t("household.grid", grid=household.grid_name), "  ",
            self.t(f"household.kind_{household.kind}"), "  ",
            self.t(f"household.status_{household.status}"), "\n",
            self.t("household.address", address=address or "—"))

    def _show_members(self, members: tuple[PersonRecord, ...]) -> None:
        box = self.query_one("#members-box", Vertical)
        self.query_one("#members-list", Static).display = not members
        box.remove_children(".member")
        for member in members:
            age = member.age if member.deceased_on is None else "—"
            label = f"{relations().get(member.relation, '')} · {sexes().get(member.sex, '')} · " \
                    f"{self.t('household.age', age=age)}"
            box.mount(Horizontal(Static(label, classes="member-label", markup=False),
                                 PersonNumbers(member.id, member.name, member.id_number, member.phone,
                                               id=f"member-{member.id}"),
                                 classes="member"))

    def _registers(self, file: HouseholdFile) -> Table | str:
        if not file.registers:
            return self.t("household.none")
        table = self._table("person", "category", "start_on", "next_visit")
        for entry in file.registers:
            ended = self.t("household.ended", on=entry.end_on) if entry.end_on else ""
            table.add_row(entry.person_name, entry.category_name, str(entry.start_on),
                          str(entry.next_visit_due or ended or "—"))
        return table

    def _visits(self, file: HouseholdFile) -> Table | str:
        if not file.visits:
            return self.t("household.none")
        table = self._table("date", "kind", "worker", "content")
        for visit in file.visits:
            when = visit.done_on or visit.planned_on
            planned = "" if visit.is_done else self.t("household.planned")
            table.add_row(f"{when}{planned}", visit.kind_name, visit.worker_name, visit.content)
        return table

    def _requests(self, file: HouseholdFile) -> Table | str:
        if not file.requests:
            return self.t("household.none")
        table = self._table("number", "category", "state", "received")
        for request in file.requests:
            table.add_row(request.number, request.category_name, request.state_name,
                          f"{request.received_at:%Y-%m-%d}")
        return table

    def _table(self, *columns: str) -> Table:
        table = Table(box=None, expand=True, padding=(0, 1))
        for column in columns:
            table.add_column(self.t(f"household.col_{column}"))
        return table

    def action_back(self) -> None:
        self.dismiss()
