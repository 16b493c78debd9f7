"""Open the household a found person lives in; for someone who lives in none any more (deceased,
moved away) the household they last lived in, as read-only history (station.residents.former_home)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from station.errors import StationError

if TYPE_CHECKING:
    from screens.app import StationApp
    from station.residents.former_home_records import FormerHome


def open_person_home(app: StationApp, person_id: int, name: str, household_id: int | None) -> None:
    """The household file of the person's current household, else of their last one (history)."""
    from screens.ledger.household import HouseholdScreen

    # Imported here: the service loads SQLAlchemy, which the start-up leaves to the background.
    from station.residents.former_home import former_home

    if household_id is not None:
        app.push_screen(HouseholdScreen(household_id))
        return

    def opened(home: FormerHome) -> None:
        app.push_screen(HouseholdScreen(home.household_id, history=home))

    def none(_error: StationError) -> None:
        app.notify(app.catalogue("ledger.no_household", name=name), severity="warning")

    app.gateway.call(app.screen, app.actor, former_home, person_id, on_done=opened, on_error=none)
