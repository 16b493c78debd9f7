"""Search keys: what a clerk can type to find a person, computed once when the person is written.

Pure functions (no database): the search service and bulk loaders (demo, import) share them so
keys are identical however a person was written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from station.places.numbers import place_number
from station.search.pinyin import name_spellings

KEY_LENGTH = 64
MAX_ADDRESS_TEXT_KEYS = 8
_SEPARATORS = "·•‧・."
# Characters a key never holds: separators and every kind of space (NFKC leaves a few exotic ones).
_DROPPED = dict.fromkeys([*map(ord, _SEPARATORS), *(code for code in range(0x3001) if chr(code).isspace())])
_DASHES = re.compile("[‐‑‒–—―−]")
_NAME_WORD_BREAKS = re.compile(r"[\s·•‧・.]+")
# A part of a free-text address starts after one of these (幸福路|12号院|3号楼|2单元|201).
_ADDRESS_BREAKS = frozenset("省市区县镇乡街路巷弄道村组号院苑园里庄栋幢楼座元室")


def normalize(text: str) -> str:
    """How keys are stored and queries compared: NFKC (full-width → ASCII), lower case, no spaces."""
    text = text or ""
    if text.isascii() and text.isalnum():
        return text.lower()  # most ID and phone numbers: nothing else to do (a bulk import's hot path)
    text = _DASHES.sub("-", unicodedata.normalize("NFKC", text).lower())
    return text.translate(_DROPPED)


def person_keys(name: str, id_number: str, phone: str, address_keys: Iterable[str] = ()) -> set[str]:
    """All search keys of one person (see the module docstring), at most KEY_LENGTH long."""
    keys = _id_keys(id_number) | _phone_keys(phone)
    if name:
        fulls, initials = name_spellings(name)
        keys |= _name_keys(name) | fulls | initials
    keys.update(address_keys)
    # A one-letter ASCII key could only answer a one-letter query, which search refuses.
    return {key[:KEY_LENGTH] for key in keys if key and not (key.isascii() and len(key) < 2)}


def address_keys(building: str, unit: str, room: str, address: str) -> set[str]:
    """Keys of a home, so that for 3号楼 / 2单元 / 201 a clerk can type any of:

    - building, unit and room as written, from the start: "3号楼", "3号楼2单元", "3号楼2单元201";
    - their numbers joined by dashes: "3-2-201" (or "3-201" without a unit), also just "3-2";
      一单元 counts as 1, A座 as a;
    - the room alone: "201" (also for "201室");
    - the free-text address from its start or from any part after 路/街/号/院/楼/单元...:
      "幸福路12号院3号楼", "12号院", "3号楼" (at most MAX_ADDRESS_TEXT_KEYS of them).
    """
    parts = [part for part in map(normalize, (building, unit, room)) if part]
    keys = {"".join(parts)} if parts else set()
    numbers = [place_number(part) for part in parts]
    if len(numbers) >= 2 and all(numbers):
        keys.add("-".join(n for n in numbers if n))
    room_text = normalize(room)
    if room_text:
        keys |= {room_text, place_number(room_text) or room_text}
    return keys | _address_text_keys(address)


def key_rows(person_id: int, community_id: int, grid_id: int | None, keys: Iterable[str]) -> list[dict[str, Any]]:
    """Rows for `insert(SearchEntry)` executemany, for bulk loaders that compute keys themselves."""
    return [
        {"person_id": person_id, "community_id": community_id, "grid_id": grid_id, "key": key}
        for key in keys
    ]


def _name_keys(name: str) -> set[str]:
    """Suffixes of the name from each Chinese character and each Latin word."""
    words = [normalize(word) for word in _NAME_WORD_BREAKS.split(unicodedata.normalize("NFKC", name or ""))]
    joined = "".join(words)
    starts = {i for i, ch in enumerate(joined) if not ch.isascii()}
    position = 0
    for word in words:
        starts.add(position)
        position += len(word)
    return {joined[start:] for start in starts if start < len(joined)}


def _id_keys(id_number: str) -> set[str]:
    """The whole ID number and its last 4 characters (x in lower case, like every key)."""
    number = normalize(id_number)
    return {number, number[-4:]} if len(number) > 4 else {number}


def _phone_keys(phone: str) -> set[str]:
    """Digits of the number, its last 4, and a landline's number without the area code."""
    text = normalize(phone)
    digits = text.replace("-", "")
    if len(digits) <= 4:
        return {digits}
    _area, dash, local = text.rpartition("-")
    return {digits, digits[-4:]} | ({local} if dash else set())


def _address_text_keys(address: str) -> set[str]:
    """The address from its start and from each part after a break (路, 号, 院, 楼...)."""
    text = normalize(address)
    starts = [0] + [
        i for i in range(1, len(text)) if text[i - 1] in _ADDRESS_BREAKS and text[i] not in _ADDRESS_BREAKS
    ]
    return {text[start:] for start in starts[:MAX_ADDRESS_TEXT_KEYS] if len(text) - start >= 2}
