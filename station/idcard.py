"""Resident ID numbers (居民身份证号码, GB 11643-1999): normalise, validate, parse, mask."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from operator import mul

from station.errors import ValidationError

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
MIN_BIRTH_YEAR = 1880

# 81/82 are 港澳 and 83 台湾 residence permits; 71 is kept for 台湾 although unused in practice.
PROVINCE_CODES = frozenset(
    [f"{n}" for n in range(11, 16)]
    + [f"{n}" for n in range(21, 24)]
    + [f"{n}" for n in range(31, 38)]
    + [f"{n}" for n in range(41, 47)]
    + [f"{n}" for n in range(50, 55)]
    + [f"{n}" for n in range(61, 66)]
    + ["71", "81", "82", "83", "91"]
)

# A number Excel showed in scientific notation or as a float: "1.10105194912310E+17", "1.1E17".
_EXCEL_NUMBER = re.compile(r"[0-9]+(\.[0-9]*)?(E\+?[0-9]+)?")


@dataclass(frozen=True)
class IdInfo:
    """What an 18-character ID number tells: itself, birth date, sex code and region code."""

    number: str
    birth_date: date
    sex: str  # GB/T 2261.1: "1" male, "2" female
    region: str  # the 6-digit address code


def normalize_id(raw: str) -> str:
    """Remove typing noise: spaces of any width, full-width characters, a lower-case x."""
    raw = raw or ""
    if raw.isascii() and raw.isalnum():
        return raw.upper()  # the usual case: nothing to remove
    text = unicodedata.normalize("NFKC", raw)
    return "".join(text.split()).upper()


def check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    if len(first17) != 17 or not _is_digits(first17):
        raise ValueError("check_char needs exactly 17 ASCII digits")
    total = sum(map(mul, map(int, first17), WEIGHTS))
    return CHECK_CHARS[total % 11]


def parse_id(raw: str, *, field: str = "id_number", today: date | None = None) -> IdInfo:
    """Validate an ID number (18 characters, or 15 first-generation digits) and parse it."""
    number = normalize_id(raw)
    if not number:
        raise ValidationError("idcard.missing", field=field)
    _refuse_excel_number(number, field)
    number = _to_eighteen(number, field)
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError("idcard.bad_province", prefix=number[:2], field=field)
    birth = _birth_date(number[6:14], field, today or date.today())
    if check_char(number[:17]) != number[17]:
        # Excel keeps 15 significant digits, so a damaged 18-digit ID ends in "000".
        if number.endswith("000"):
            raise ValidationError("idcard.excel_number", field=field)
        raise ValidationError("idcard.bad_check_digit", field=field)
    return IdInfo(number=number, birth_date=birth, sex=_sex_code(number), region=number[:6])


def is_valid_id(raw: str) -> bool:
    """True when `raw` parses as a resident ID number."""
    try:
        parse_id(raw)
    except ValidationError:
        return False
    return True


def sex_from_id(raw: str) -> str:
    """GB/T 2261.1 sex code ("1" male, "2" female) of a valid ID number."""
    return parse_id(raw).sex


def birth_date_from_id(raw: str) -> date:
    """Birth date of a valid ID number."""
    return parse_id(raw).birth_date


def age_on(birth_date: date, on: date) -> int:
    """Age in full years on the given day."""
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - int(before_birthday)


def mask_id(number: str) -> str:
    """Hide the birth date: keep the first 6 and last 4 of an 18-character number.

    Other numbers (passports, old 15-digit IDs) show at most a third: a short passport number
    with all but one character shown would be as good as unmasked.
    """
    number = (number or "").strip()
    if len(number) == 18:
        return number[:6] + "*" * 8 + number[-4:]
    shown = len(number) // 3
    head, tail = (shown + 1) // 2, shown // 2
    return number[:head] + "*" * (len(number) - shown) + number[len(number) - tail:]


def _refuse_excel_number(number: str, field: str) -> None:
    """Refuse text that is plainly a number Excel reformatted (exponent or decimal point)."""
    if ("E" in number or "." in number) and _EXCEL_NUMBER.fullmatch(number):
        raise ValidationError("idcard.excel_number", field=field)


def _to_eighteen(number: str, field: str) -> str:
    """Check length and characters; widen a 15-digit first-generation number to 18."""
    if len(number) == 15:
        if not _is_digits(number):
            raise ValidationError("idcard.old_not_digits", field=field)
        first17 = number[:6] + "19" + number[6:]
        return first17 + check_char(first17)
    if len(number) != 18:
        raise ValidationError(
            "idcard.bad_length", length=len(number), field=field
        )
    if not _is_digits(number[:17]):
        raise ValidationError("idcard.first17_not_digits", field=field)
    if number[17] not in "0123456789X":
        raise ValidationError("idcard.bad_last_char", field=field)
    return number


def _birth_date(text: str, field: str, today: date) -> date:
    """The YYYYMMDD birth date, which must exist and lie between 1880 and today."""
    try:
        birth = date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise ValidationError("idcard.no_such_birth_date", text=text, field=field) from None
    if birth > today:
        raise ValidationError("idcard.birth_in_future", field=field)
    if birth.year < MIN_BIRTH_YEAR:
        raise ValidationError("idcard.birth_too_early", year=MIN_BIRTH_YEAR, field=field)
    return birth


def _sex_code(number: str) -> str:
    """The 17th digit is odd for men and even for women."""
    return "1" if int(number[16]) % 2 else "2"


def _is_digits(text: str) -> bool:
    """ASCII digits only (str.isdigit alone also accepts other scripts' digits)."""
    return text.isascii() and text.isdigit()
