"""UI strings: one TOML catalogue per language (screens/locale/zh.toml, en.toml), read by key."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

LOCALE_FOLDER = Path(__file__).parent / "locale"
LANGUAGES = ("zh", "en")


class Catalogue:
    """`t("login.title")` returns the string of the language; a missing key shows itself."""

    def __init__(self, language: str):
        self.language = language if language in LANGUAGES else "zh"
        self.strings = load_strings(self.language)

    def __call__(self, key: str, **values: Any) -> str:
        text = self.strings.get(key, key)
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in self.strings


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
