"""Every key the footer or F1 help shows is in the app's language (none shows a catalogue key)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest
from ledger_fixtures import neighbourhood
from textual.binding import Binding
from textual.command import CommandPalette
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Select
from textual.widgets._footer import FooterKey
from textual.widgets._select import SelectOverlay
from tui_support import app_for, drive, log_in, make_admin, settle, with_settings

import screens
from screens.binding_texts import TranslatedBindings, text_id
from screens.i18n import LANGUAGES, Catalogue
from screens.keys import key_display
from screens.widgets.virtual_table import VirtualTable

CJK = re.compile(r"[\u4e00-\u9fff]")


def _classes_with_bindings() -> list[type[DOMNode]]:
    """Every screen and widget class the screens define or use (Textual's among them), and the
    menu a Select opens."""
    modules = [importlib.import_module(info.name) for info in pkgutil.walk_packages(screens.__path__, "screens.")]
    used = {cls for module in modules for _name, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, DOMNode)}
    # Textual's command palette has no footer, and F1 help lists only the station's own keys.
    used -= {CommandPalette}
    return sorted(used | {SelectOverlay}, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def _shown_bindings():
    for cls in _classes_with_bindings():
        for bindings in cls._merge_bindings().key_to_bindings.values():
            for binding in bindings:
                if binding.show:
                    yield cls.__qualname__, binding


def test_the_walk_sees_the_station_and_textual_bindings():
    shown = {(owner, binding.description) for owner, binding in _shown_bindings()}
    assert ("VirtualTable", "keys.ledger.open") in shown and ("SelectOverlay", "Dismiss menu") in shown


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_shown_binding_has_its_texts_in_each_language(language):
    catalogue = Catalogue(language)
    untranslated = []
    for owner, binding in _shown_bindings():
        binding_id = text_id(binding)
        texts = [catalogue(f"{kind}.{binding_id}") for kind in ("keys", "tips")] if binding_id else []
        in_language = texts and all(bool(CJK.search(text)) == (language == "zh") for text in texts)
        if not (binding_id and all(catalogue.has(f"{kind}.{binding_id}") for kind in ("keys", "tips"))
                and in_language):
            untranslated.append((owner, binding.key, binding.description))
    assert untranslated == []


def test_every_station_screen_shows_its_keys_through_the_catalogue():
    # The footer and F1 help read a screen's active_bindings: on every station screen they pass
    # through binding_texts, so the widgets' bindings are translated too.
    screens_ = [cls for cls in _classes_with_bindings()
                if issubclass(cls, Screen) and cls.__module__.startswith("screens.")]
    assert len(screens_) > 20
    assert [cls.__qualname__ for cls in screens_ if not issubclass(cls, TranslatedBindings)] == []


def _footer(pilot) -> list[str]:
    return [f"{key.key_display} {key.description}" for key in pilot.app.screen.query(FooterKey)]


@pytest.mark.parametrize(("language", "open_text", "close_text"),
                         [("zh", "打开住户", "收起选项"), ("en", "Open household", "Close list")])
def test_the_list_and_select_keys_show_in_the_language(db, community_id, language, open_text, close_text):
    neighbourhood(db, community_id)
    make_admin(db)
    with_settings(db, language=language)

    async def scenario(pilot):
        await log_in(pilot)
        await pilot.press("f2")
        await settle(pilot)
        pilot.app.screen.query_one(VirtualTable).focus()
        await settle(pilot)
        assert f"Enter {open_text}" in _footer(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        pilot.app.screen.query_one("#grid", Select).focus()
        await pilot.press("enter")  # the grid menu opens
        await settle(pilot)
        assert f"Esc {close_text}" in _footer(pilot)
        assert not any("keys." in text or "Dismiss" in text for text in _footer(pilot))

    drive(app_for(db), scenario, size=(120, 40))


@pytest.mark.parametrize(("key", "shown"), [("left", "←"), ("right", "→"), ("up", "↑"), ("ctrl+n", "Ctrl+N"),
                                            ("escape", "Esc"), ("f12", "F12"), ("pagedown", "PgDn")])
def test_keys_show_as_a_clerk_reads_them_in_any_language(key, shown):
    """Help and footers list keys by these names: arrows as arrows, not the English Left/Right."""
    assert key_display(Binding(key, "x")) == shown
