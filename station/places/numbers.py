"""Building and unit names by their number: 3, 三, 3单元, 三单元 and ３ name one unit.

Clerks write a place's number in several ways; a building or unit matched by its text alone grew
twins ("3" beside "3单元") and addresses that search cannot find ("1号楼31808"). Pure functions,
shared by the ledger, the import and the search keys.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

BUILDING_SUFFIX = "号楼"
UNIT_SUFFIX = "单元"

_ASCII_NUMBER = re.compile("[a-z0-9]+(?:-[a-z0-9]+)*")
_CHINESE_NUMERALS = "([零一二两三四五六七八九十]{1,3})"
_CHINESE_PLACE_NUMBER = re.compile(_CHINESE_NUMERALS + "(?:号楼|号|栋|幢|楼|座|单元|门)?")
_CHINESE_BARE_NUMBER = re.compile(_CHINESE_NUMERALS)
_CHINESE_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}


def place_number(text: str) -> str | None:
    """The number a building, unit or room name stands for: 3号楼 → 3, 三单元 → 3, ３ → 3, A座 → a,
    201室 → 201; None for a name without one (幸福苑)."""
    key = _key(text)
    if match := _ASCII_NUMBER.search(key):
        return match.group()
    if match := _CHINESE_PLACE_NUMBER.fullmatch(key):
        return _chinese_number(match.group(1))
    return None


def place_name(typed: str, existing: Iterable[str], suffix: str) -> str:
    """The name a typed building or unit means among `existing` ones: the one written alike, else
    the only one with its number (3 → 3单元); a new bare number gets `suffix` (5 → 5单元)."""
    text = unicodedata.normalize("NFKC", typed or "").strip()
    if not text:
        return ""
    names = list(existing)
    bare = _bare_number(text)
    for candidate in (text, f"{bare}{suffix}" if bare else None):
        same = next((name for name in names if candidate and _key(name) == _key(candidate)), None)
        if same is not None:
            return same
    number = place_number(text)
    alike = [name for name in names if number and place_number(name) == number]
    if len(alike) == 1:
        return alike[0]
    return f"{bare}{suffix}" if bare else text


def twins(places: Iterable[tuple[int, int, str]]) -> set[int]:
    """Ids of places (parent id, id, name) whose number another place of the same parent shares:
    (7, 31, "3") and (7, 32, "3单元") are twins; unit 3 of building 8 is not their twin."""
    by_number: dict[tuple[int, str], list[int]] = {}
    for parent_id, place_id, name in places:
        number = place_number(name)
        if number is not None:
            by_number.setdefault((parent_id, number), []).append(place_id)
    return {place_id for ids in by_number.values() if len(ids) > 1 for place_id in ids}


def _bare_number(text: str) -> str | None:
    """The number when the text is only a number (3, ３, 三), else None."""
    key = _key(text)
    if key.isascii() and key.isdigit():
        return str(int(key))
    if _CHINESE_BARE_NUMBER.fullmatch(key):
        return _chinese_number(key)
    return None


def _key(text: str) -> str:
    """How names compare: NFKC (full-width → ASCII), lower case, no spaces."""
    return "".join(unicodedata.normalize("NFKC", text or "").lower().split())


def _chinese_number(text: str) -> str | None:
    """一 → 1, 十二 → 12, 二十三 → 23 (place numbers stay below 100)."""
    tens, ten, ones = text.partition("十")
    if not ten:
        return str(_CHINESE_DIGITS[text]) if len(text) == 1 else None
    if len(tens) > 1 or len(ones) > 1:
        return None
    return str(_CHINESE_DIGITS.get(tens, 1) * 10 + _CHINESE_DIGITS.get(ones, 0))
