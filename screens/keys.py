"""Every key binding in one table: an id (remappable from [keymap] in station.toml), default keys,
the action, and its text in the catalogue (`keys.<id>` in the footer, `tips.<id>` in F1 help)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.binding import Binding, BindingType
from textual.screen import Screen


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
    KeySpec("nav.dashboard", "f12", "go_dashboard", show=False),
    KeySpec("dashboard.refresh", "ctrl+r", "refresh"),
    KeySpec("first_run.save", "ctrl+s", "save", priority=True),
    KeySpec("lock.switch_user", "ctrl+o", "switch_user"),
    KeySpec("dialog.close", "escape", "close"),
    KeySpec("dialog.previous", "left,up", "previous_button", show=False),
    KeySpec("dialog.next", "right,down", "next_button", show=False),
    KeySpec("help.close", "escape,f1", "close"),
    KeySpec("reveal.show", "ctrl+t", "reveal"),
    KeySpec("nav.ledger", "f2", "go_ledger", show=False),
    KeySpec("ledger.search", "ctrl+f", "focus_search"),
    KeySpec("ledger.open", "enter", "open_selected", show=True),
    KeySpec("ledger.to_list", "down", "to_list", show=False),
    KeySpec("picker.to_list", "down", "to_list", show=False),
    KeySpec("list.up", "up", "cursor_up", show=False),
    KeySpec("list.down", "down", "cursor_down", show=False),
    KeySpec("list.page_up", "pageup", "page_up", show=False),
    KeySpec("list.page_down", "pagedown", "page_down", show=False),
    KeySpec("list.first", "home", "first", show=False),
    KeySpec("list.last", "end", "last", show=False),
    KeySpec("ledger.new", "ctrl+n", "new_household"),
    KeySpec("household.back", "escape", "back"),
    KeySpec("form.save", "ctrl+s", "save", priority=True),
    KeySpec("form.back", "escape", "back"),
    KeySpec("form.next_member", "ctrl+down", "next_member"),
    KeySpec("screen.print", "f9", "print"),
    KeySpec("nav.registers", "f3", "go_registers", show=False),
    KeySpec("nav.visits", "f4", "go_visits", show=False),
    KeySpec("nav.requests", "f5", "go_requests", show=False),
    KeySpec("nav.reports", "f6", "go_reports", show=False),
    KeySpec("nav.import", "f7", "go_import", show=False),
    # --- registers (F3): screens/registers.py, register_form.py
    KeySpec("registers.add", "ctrl+n", "add_entry"),
    KeySpec("registers.end", "ctrl+e", "end_entry"),
    KeySpec("registers.search", "ctrl+f", "focus_search"),
    KeySpec("registers.open", "enter", "open_selected"),
    KeySpec("registers.next_category", "right", "next_category", show=False),
    KeySpec("registers.previous_category", "left", "previous_category", show=False),
    # --- service log (F4): screens/visits.py, visit_form.py
    KeySpec("visits.new", "ctrl+n", "new_visit"),
    KeySpec("visits.complete", "ctrl+d", "complete_visit"),
    KeySpec("visits.switch", "ctrl+w", "switch_view"),
    KeySpec("visits.filter", "ctrl+f", "focus_filters", show=False),
    KeySpec("visits.print_blank", "ctrl+b", "print_blank", show=False),
    KeySpec("visits.detail", "enter", "open_row"),
    KeySpec("visits.start", "enter", "open_row"),
    KeySpec("visit_form.pick", "ctrl+f", "pick_person"),
    KeySpec("visit_form.next", "enter", "next_field", show=False),
    # --- requests (F5): screens/requests.py, request_form.py
    KeySpec("requests.open", "enter", "open_selected"),
    KeySpec("requests.new", "ctrl+n", "receive"),
    KeySpec("requests.filter", "ctrl+f", "focus_filters"),
    KeySpec("requests.refresh", "ctrl+r", "refresh"),
    KeySpec("requests.back", "escape", "back"),
    KeySpec("requests.assign", "ctrl+d", "transition('assign')"),
    KeySpec("requests.start", "ctrl+g", "transition('start')"),
    KeySpec("requests.close", "ctrl+e", "transition('close')"),
    KeySpec("requests.rate", "ctrl+f", "transition('rate')"),
    KeySpec("requests.reopen", "ctrl+o", "transition('reopen')"),
    KeySpec("requests.pick_person", "ctrl+f", "pick_person"),
    KeySpec("requests.unlink_person", "ctrl+r", "unlink_person"),
    # --- household operations: screens/household_view.py, household_ops.py
    KeySpec("household.operations", "f8", "operations"),
    KeySpec("household.edit", "ctrl+e", "edit_household", show=False),
    KeySpec("household.add_member", "ctrl+n", "add_member", show=False),
    KeySpec("household.edit_member", "enter", "edit_member", show=False),
    KeySpec("household.remove_member", "delete", "remove_member", show=False),
    KeySpec("household.transfer_member", "ctrl+x", "transfer_member", show=False),
    KeySpec("household.change_head", "ctrl+g", "change_head", show=False),
    KeySpec("household.record_death", "ctrl+k", "record_death", show=False),
    KeySpec("household.move_out", "ctrl+o", "move_out", show=False),
    KeySpec("household.split", "ctrl+y", "split", show=False),
    KeySpec("household.merge", "ctrl+u", "merge", show=False),
    KeySpec("household.end_register", "ctrl+d", "end_register", show=False),
    KeySpec("household.next_member", "down", "next_member", show=False),
    KeySpec("household.previous_member", "up", "previous_member", show=False),
    # 个人信息查阅单 of the selected member (reports.print): screens/ledger/operations.py
    KeySpec("household.resident_report", "ctrl+r", "resident_report", show=False),
    # --- reports (F6) and import (F7): screens/reports.py, import_screen.py
    KeySpec("reports.blank", "ctrl+b", "blank_forms"),
    KeySpec("reports.lock", "ctrl+o", "lock_month"),
    KeySpec("reports.unlock", "ctrl+y", "unlock_month"),
    # --- 到期去标识 (admin, from the palette): screens/admin/retention.py
    KeySpec("retention.run", "ctrl+d", "run_retention"),
    KeySpec("retention.back", "escape", "back"),
    # --- 审计日志 (admin, 站长; from the palette): screens/admin/audit_log.py
    KeySpec("audit_log.open", "enter", "open_selected"),
    KeySpec("audit_log.filter", "ctrl+f", "focus_filters"),
    KeySpec("audit_log.refresh", "ctrl+r", "refresh"),
    KeySpec("audit_log.back", "escape", "back"),
    KeySpec("reports.pick_month", "enter", "select_cursor"),
    KeySpec("import.check", "ctrl+t", "check"),
    KeySpec("import.run", "ctrl+s", "run_import"),
    KeySpec("import.errors", "ctrl+o", "write_errors"),
    KeySpec("import.pick_file", "enter", "select"),
    # --- the recovery key, shown once (first run; 新恢复密钥单): screens/widgets/recovery_key.py
    KeySpec("recovery_key.print", "f9", "print_sheet"),
)}


def bindings(*ids: str) -> list[BindingType]:
    """Bindings for a screen's BINDINGS; descriptions are catalogue keys until translated."""
    return [_binding(KEYS[binding_id]) for binding_id in ids]


def _binding(spec: KeySpec) -> Binding:
    return Binding(spec.keys, spec.action, f"keys.{spec.id}", show=spec.show,
                   priority=spec.priority, tooltip=f"tips.{spec.id}", id=spec.id)


def active_by_id(screen: Screen[Any]) -> dict[str, tuple[Binding, bool]]:
    """The screen's active bindings ([keymap] applied) by id, with whether each is enabled now.

    A binding under two keys (Esc, F1) appears once: the first enabled occurrence.
    """
    found: dict[str, tuple[Binding, bool]] = {}
    for _node, binding, enabled, _tooltip in screen.active_bindings.values():
        if binding.id and (binding.id not in found or (enabled and not found[binding.id][1])):
            found[binding.id] = (binding, enabled)
    return found


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
    names = {"escape": "Esc", "enter": "Enter", "tab": "Tab", "space": "Space", "delete": "Del",
             "left": "←", "right": "→", "up": "↑", "down": "↓", "pageup": "PgUp", "pagedown": "PgDn"}
    if key in names:
        return names[key]
    function_key = key[0] == "f" and key[1:].isdigit()
    return key.upper() if len(key) == 1 or function_key else key.capitalize()
