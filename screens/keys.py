"""Every key binding in one table: an id (remappable from [keymap] in station.toml), default keys,
the action, and its text in the catalogue (`keys.<id>` in the footer, `tips.<id>` in F1 help)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual.binding import Binding, BindingType
from textual.dom import DOMNode

from .i18n import Catalogue


@dataclass(frozen=True)
class KeySpec:
    id: str
    keys: str
    action: str
    show: bool = True
    priority: bool = False


KEYS: dict[str, KeySpec] = {spec.id: spec for spec in (
    KeySpec("app.help", "f1", "help"),
    KeySpec("app.palette", "ctrl+p", "command_palette", priority=True),
    KeySpec("app.lock", "ctrl+l", "lock"),
    KeySpec("app.quit", "ctrl+q", "quit", priority=True),
    KeySpec("nav.dashboard", "f12", "go_dashboard"),
    KeySpec("dashboard.refresh", "ctrl+r", "refresh"),
    KeySpec("first_run.save", "ctrl+s", "save", priority=True),
    KeySpec("lock.switch_user", "ctrl+o", "switch_user"),
    KeySpec("dialog.close", "escape", "close"),
    KeySpec("help.close", "escape,f1", "close"),
    KeySpec("reveal.show", "ctrl+t", "reveal"),
    KeySpec("nav.ledger", "f2", "go_ledger"),
    KeySpec("ledger.search", "ctrl+f", "focus_search"),
    KeySpec("ledger.open", "enter", "open_selected", show=True),
    KeySpec("ledger.new", "ctrl+n", "new_household"),
    KeySpec("household.back", "escape", "back"),
    KeySpec("form.save", "ctrl+s", "save", priority=True),
    KeySpec("form.back", "escape", "back"),
    KeySpec("form.next_member", "ctrl+down", "next_member"),
)}


def bindings(*ids: str) -> list[BindingType]:
    """Bindings for a screen's BINDINGS; descriptions are catalogue keys until translated."""
    return [_binding(KEYS[binding_id]) for binding_id in ids]


def _binding(spec: KeySpec) -> Binding:
    return Binding(spec.keys, spec.action, f"keys.{spec.id}", show=spec.show,
                   priority=spec.priority, tooltip=f"tips.{spec.id}", id=spec.id)


def translate_bindings(node: DOMNode, catalogue: Catalogue) -> None:
    """Give the node's own bindings the texts of the catalogue's language.

    A node's binding map is a shallow copy of its class's, so lists are replaced, never mutated.
    """
    key_to_bindings = node._bindings.key_to_bindings
    for key, key_bindings in list(key_to_bindings.items()):
        key_to_bindings[key] = [_translated(binding, catalogue) for binding in key_bindings]


def _translated(binding: Binding, catalogue: Catalogue) -> Binding:
    if binding.id not in KEYS:
        return binding
    return replace(binding, description=catalogue(f"keys.{binding.id}"),
                   tooltip=catalogue(f"tips.{binding.id}"))


def unknown_keymap_ids(keymap: dict[str, str]) -> list[str]:
    """Ids in [keymap] that name no binding (a typo would otherwise be ignored silently)."""
    return sorted(set(keymap) - set(KEYS))


def key_display(binding: Binding) -> str:
    """Keys as a clerk reads them: F1, Ctrl+P, Esc."""
    if binding.key_display:
        return binding.key_display
    modifiers, key = binding.parse_key()
    return "+".join([*(name.capitalize() for name in modifiers), _key_name(key)])


def _key_name(key: str) -> str:
    names = {"escape": "Esc", "enter": "Enter", "tab": "Tab", "space": "Space", "delete": "Del"}
    if key in names:
        return names[key]
    function_key = key[0] == "f" and key[1:].isdigit()
    return key.upper() if len(key) == 1 or function_key else key.capitalize()
