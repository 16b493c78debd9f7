"""Small widgets shared by the screens."""

from __future__ import annotations

from textual.widgets import Footer, Static

WEEKDAYS = "weekdays"


class TopBar(Static):
    """The first line: station name, who is logged in, and today's date from the station clock."""

    DEFAULT_CSS = """
    TopBar {
        dock: top;
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text;
        text-style: bold;
    }
    """

    def __init__(self) -> None:
        super().__init__(markup=False)

    def on_mount(self) -> None:
        self.refresh_text()

    def refresh_text(self) -> None:
        app = self.app
        catalogue = app.catalogue  # type: ignore[attr-defined]
        today = app.database.now().date()  # type: ignore[attr-defined]
        weekday = catalogue(WEEKDAYS).split(",")[today.weekday()]
        parts = [app.settings.station.name]  # type: ignore[attr-defined]
        user = app.user  # type: ignore[attr-defined]
        if user is not None:
            parts.append(catalogue("top.user", name=user.display_name, role=catalogue(f"roles.{user.role}")))
        parts.append(catalogue("top.date", date=today.isoformat(), weekday=weekday))
        self.update("  ·  ".join(parts))


class FormError(Static):
    """A form's message line: empty until something is wrong."""

    DEFAULT_CSS = """
    FormError {
        color: $text-error;
        height: auto;
        min-height: 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(markup=False, id=id)

    def show(self, message: str) -> None:
        self.update(message)

    def clear(self) -> None:
        self.update("")


def station_footer() -> Footer:
    """The footer with the keys that apply; the palette key is one of them, not a second copy."""
    return Footer(show_command_palette=False)
