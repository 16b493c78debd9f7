"""UI strings: one TOML catalogue per language (screens/locale/zh.toml, en.toml), read by key.

What the core says (errors, request states) is in the core's catalogue (station/locale, see
station.messages): a key the UI catalogue lacks is looked up there, and errors are rendered in
the app's language from their code and parameters.
"""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from station.messages import code_name, has_message, message

if TYPE_CHECKING:
    from station.errors import StationError

LOCALE_FOLDER = Path(__file__).parent / "locale"
LANGUAGES = ("zh", "en")


class Catalogue:
    """`t("login.title")` returns the string of the language; a missing key shows itself."""

    def __init__(self, language: str):
        self.language = language if language in LANGUAGES else "zh"
        self.strings = load_strings(self.language)

    def __call__(self, key: str, **values: Any) -> str:
        text = self.strings.get(key)
        if text is None and has_message(key, self.language):
            return message(key, self.language, **values)
        text = key if text is None else text
        if "{" in text:
            values = {**_date_examples(text), **values}
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in self.strings or has_message(key, self.language)

    def name(self, family: str, code: str, name: str) -> str:
        """A code's name in this language (see station.messages.code_name)."""
        return code_name(family, code, name, self.language)

    def error(self, error: StationError) -> str:
        """An error's message in this language (from its code, field index and parameters)."""
        if error.code in self.strings:  # a form's own check, said in the UI's words
            return self(error.code, **error.params)
        return error.render(self.language)

    def error_title(self, error: StationError) -> str:
        """What kind of problem an error is, in this language (a dialog's title)."""
        return error.render_title(self.language)


def _date_examples(text: str) -> dict[str, str]:
    """{today} and {next_week} in a string: a date example that is never out of date (a hint to
    type a follow-up day must not suggest one already past)."""
    today = date.today()
    examples = {"today": today, "next_week": today + timedelta(days=7)}
    return {name: day.isoformat() for name, day in examples.items() if "{" + name + "}" in text}


@cache
def load_strings(language: str) -> dict[str, str]:
    """The catalogue of a language, nested tables flattened to dotted keys."""
    path = LOCALE_FOLDER / f"{language}.toml"
    return dict(_flatten(tomllib.loads(path.read_text(encoding="utf-8"))))


def _flatten(table: dict[str, Any], prefix: str = ""):
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", str(value)
