"""Key texts in the app's language wherever keys are shown: the footer, F1 help, screen hints.

Texts are looked up as the keys are shown, not stored on each node's bindings when it is built:
widgets that are not `Localized` (the virtual table, Textual's own Select menu) showed the raw
catalogue key ("Enter keys.ledger.open") or Textual's English ("Esc Dismiss menu").
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual.binding import ActiveBinding, Binding

from screens.keys import KEYS

if TYPE_CHECKING:
    from screens.i18n import Catalogue

# Textual's own bindings that it shows, by their English description: their catalogue id
# (keys.<id> and tips.<id>), as for the station's own bindings.
TEXTUAL_BINDINGS = {"Dismiss menu": "textual.dismiss_menu"}


def text_id(binding: Binding) -> str | None:
    """The catalogue id of a binding's texts; None for a binding the station does not know."""
    if binding.id in KEYS:
        return binding.id
    return TEXTUAL_BINDINGS.get(binding.description)


def translated(binding: Binding, catalogue: Catalogue) -> Binding:
    """The binding with its description and tooltip in the catalogue's language."""
    binding_id = text_id(binding)
    if binding_id is None:
        return binding
    return replace(binding, description=catalogue(f"keys.{binding_id}"),
                   tooltip=catalogue(f"tips.{binding_id}"))


class TranslatedBindings:
    """Screen mixin: `active_bindings` (what the footer and F1 help read) in the app's language."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        catalogue = self.app.catalogue  # type: ignore[attr-defined]
        shown: dict[str, ActiveBinding] = super().active_bindings  # type: ignore[misc]
        return {key: _translated_active(active, catalogue) for key, active in shown.items()}


def _translated_active(active: ActiveBinding, catalogue: Any) -> ActiveBinding:
    binding = translated(active.binding, catalogue)
    return active._replace(binding=binding, tooltip=binding.tooltip)
