"""What every screen shares: catalogue texts, translated key bindings and the gateway."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.screen import ModalScreen, Screen
from textual.worker import Worker

from screens.binding_texts import TranslatedBindings
from station.errors import StationError

if TYPE_CHECKING:
    from screens.app import StationApp

T = TypeVar("T")
R = TypeVar("R")


class Localized:
    """Mixin for screens and widgets: `self.t(key)` and `self.call`."""

    # The F1 help topic: catalogue keys help.<topic>.text and help.<topic>.<focused widget id>.
    HELP_TOPIC: ClassVar[str] = ""

    @property
    def station(self) -> StationApp:
        return self.app  # type: ignore[attr-defined, no-any-return]

    def t(self, key: str, **values: Any) -> str:
        return self.station.catalogue(key, **values)

    def named(self, family: str, code: str, name: str) -> str:
        """A code's name in the app's language (see Catalogue.name); `name` as stored."""
        return self.station.catalogue.name(family, code, name)

    def error_text(self, error: StationError) -> str:
        """An error's message in the app's language."""
        return self.station.catalogue.error(error)

    def error_title(self, error: StationError) -> str:
        """An error's kind in the app's language (a dialog's title)."""
        return self.station.catalogue.error_title(error)

    def call(self, service: Callable[..., T], *args: Any, on_done: Callable[[T], None],
             on_error: Callable[[StationError], None] | None = None, **kwargs: Any) -> Worker[None]:
        """Run a service as the logged-in user in a thread worker (see screens.gateway)."""
        station = self.station
        return station.gateway.call(self, station.actor, service, *args, on_done=on_done,  # type: ignore[arg-type]
                                    on_error=on_error, **kwargs)


class StationScreen(TranslatedBindings, Localized, Screen[None]):
    """A full screen of the counter; its keys are shown in the app's language."""


class StationModal(TranslatedBindings, Localized, ModalScreen[R]):
    """A screen over another (dialogs, help, lock)."""
