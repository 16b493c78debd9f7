"""What the core says, in Chinese or English: one TOML catalogue per language, read by code.

Errors carry a code and parameters (see station.errors); the words live in
station/locale/zh.toml and en.toml, so the English UI speaks English and nothing ever parses a
message back. A code missing from a catalogue shows itself and logs a warning: a forgotten
translation must never turn an expected problem into a crash.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
log = logging.getLogger(__name__)


class Term:
    """Words from the catalogue that are not an error: a field's label, what was not found, a
    step of the import. Given as a parameter it is rendered in the message's language; as text
    (`str(term)`) it is Chinese."""

    def __init__(self, key: str, /, **params: Any):
        self.key = key
        self.params = params

    def render(self, language: str = DEFAULT_LANGUAGE) -> str:
        """The words in `language`."""
        return message(self.key, language, **self.params)

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Term({self.key!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Term) and (self.key, self.params) == (other.key, other.params)

    def __hash__(self) -> int:
        return hash(self.key)


def message(key: str, language: str = DEFAULT_LANGUAGE, /, **params: Any) -> str:
    """The catalogue text for `key` in `language`, with `params` filled in.

    A parameter that can render itself (a Term, a StationError) is rendered in the same language.
    """
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    text = catalogue(language).get(key)
    if text is None:
        log.warning("message %r is missing from the %s catalogue", key, language)
        return key
    if not params:
        return text
    try:
        return text.format(**{name: _rendered(value, language) for name, value in params.items()})
    except (KeyError, IndexError, ValueError):
        log.warning("message %r in %s does not take the parameters %s", key, language, sorted(params))
        return text


def has_message(key: str, language: str = DEFAULT_LANGUAGE) -> bool:
    """Whether the catalogue of `language` holds `key`."""
    return key in catalogue(language)


def code_name(family: str, code: str, name: str, language: str) -> str:
    """A code's name in `language`: outside Chinese the catalogue's (names.<family>.<code>) where
    it has one, else `name`, the standard's or the station's own (a category added in
    station.toml keeps its name in every language)."""
    key = f"names.{family}.{code}"
    if language != DEFAULT_LANGUAGE and has_message(key, language):
        return message(key, language)
    return name


@cache
def catalogue(language: str) -> dict[str, str]:
    """The catalogue of a language, nested tables flattened to dotted codes."""
    source = resources.files("station").joinpath("locale").joinpath(f"{language}.toml")
    return dict(_flatten(tomllib.loads(source.read_text(encoding="utf-8"))))


def _rendered(value: Any, language: str) -> Any:
    render = getattr(value, "render", None)
    return render(language) if callable(render) else value


def _flatten(table: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", str(value)
