"""Small widgets shared by the screens."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Footer, Input, Static

from screens.footer import StationFooter
from screens.keys import active_by_id
from screens.widgets.line_breaks import WrappedText
from station.permissions import STREET_ROLES

WEEKDAYS = "weekdays"


SECTIONS = ("nav.dashboard", "nav.ledger", "nav.registers", "nav.visits", "nav.requests", "nav.reports",
            "nav.import")


class TopBar(Static):
    """The first lines: station name, who is logged in, today's date from the station clock (after
    "database server unreachable" while it is, see screens.gateway), and once logged in the
    section keys (F2 台账 F3 重点人群 ...) with the current section highlighted.

    The section keys live here rather than in the footer, which keeps room for the screen's own keys.
    """

    DEFAULT_CSS = """
    TopBar {
        dock: top;
        height: auto;
        max-height: 2;
        padding: 0 1;
        background: $panel;
        color: $text;
    }
    """

    def __init__(self, section: str = "") -> None:
        super().__init__(markup=False)
        self.section = section

    def on_mount(self) -> None:
        self.refresh_text()

    def on_resize(self) -> None:
        self.refresh_text()

    def refresh_text(self) -> None:
        app = self.app
        catalogue = app.catalogue  # type: ignore[attr-defined]
        today = app.database.now().date()  # type: ignore[attr-defined]
        weekday = catalogue(WEEKDAYS).split(",")[today.weekday()]
        parts = [app.settings.station.name]  # type: ignore[attr-defined]
        user = app.user  # type: ignore[attr-defined]
        if user is not None and not app.server_down:  # type: ignore[attr-defined]
            parts.append(catalogue("top.user", name=user.display_name, role=catalogue(f"roles.{user.role}")))
            if user.role in STREET_ROLES:  # at any community's station: say whose data this is
                parts.append(catalogue("top.street_scope"))
        parts.append(catalogue("top.date", date=today.isoformat(), weekday=weekday))
        text = Text("  ·  ".join(parts), style="bold")
        if app.server_down:  # type: ignore[attr-defined]
            # First, where the eye goes, in the room the user's name leaves on an 80-column line:
            # until the server answers, nothing reaches the database.
            text = Text(catalogue("top.server_down"), style="bold reverse red").append("  ").append_text(text)
        if user is not None:
            text.append("\n").append_text(self._sections())
        self.update(text)

    def _sections(self) -> Text:
        """The section keys the user may use, as the screen's active bindings show them ([keymap] applied).

        Spaced out when they fit; packed closer on a narrow terminal (80 columns in English) so that
        no section key falls off the end."""
        active = active_by_id(self.screen)
        labels = []
        for binding_id in SECTIONS:
            binding, enabled = active.get(binding_id, (None, False))
            if binding is not None and enabled:
                labels.append((binding_id, f"{self.app.get_key_display(binding)} {binding.description}"))
        roomy = _section_line(labels, self.section, pad=" ")
        width = self.content_size.width
        return roomy if not width or roomy.cell_len - 1 <= width else _section_line(labels, self.section, pad="")


def _section_line(labels: list[tuple[str, str]], current: str, pad: str) -> Text:
    line = Text()
    for binding_id, label in labels:
        line.append(f"{pad}{label}{pad}", style="reverse" if binding_id == current else "")
        line.append(" ")
    return line


class FormError(WrappedText):
    """A form's message line: empty until something is wrong."""

    DEFAULT_CSS = """
    FormError {
        color: $text-error;
        height: auto;
        min-height: 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.about: Widget | None = None  # the field the message is about (None: the form as a whole)
        self.shown_with: dict[Widget, str] = {}  # what the fields held when the message appeared

    def show(self, message: str, *, about: Widget | None = None) -> None:
        self.update(message)
        self.about = about
        # A change queued before the message (keys typed ahead of Ctrl+S) must not clear it.
        self.shown_with = {field: field.value for field in self.screen.query(Input)} if self.is_attached else {}

    def clear(self) -> None:
        self.update("")
        self.about = None

    def edited(self, field: Input) -> None:
        """`field` changed: a message about it (or about no field in particular) is stale once it
        holds something else than when the message appeared."""
        if self.about not in (None, field) or self.shown_with.get(field) == field.value:
            return
        self.clear()


def station_footer() -> Footer:
    """The footer with the keys that apply; the palette key is one of them, not a second copy."""
    return StationFooter(show_command_palette=False)
