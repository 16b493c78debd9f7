"""Cell values from a workbook → the text and dates the ledger rules expect (typing noise removed).

Each function takes a raw cell (str, int, float, date, datetime, bool or None) and returns a
clean value or raises ValidationError with a Chinese reason; none of them touch the database.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from station import codes
from station.dates import NotADay, parse_day
from station.errors import ValidationError
from station.messages import Term

# Excel counts days from 1899-12-30 (its 1900 leap-year bug is folded into that epoch).
EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_RANGE = range(1, 80_000)  # 1900-01-01 … 2118: anything else is not a date serial
_MIDNIGHT = re.compile(r"\s*00:00(:00)?(\.0+)?$")
_DATE_DIGITS = re.compile(r"(\d{4})(\d{2})(\d{2})")
# Excel keeps 15 significant digits: an ID longer than that cannot survive being a number.
_EXACT_DIGITS = 15

SEXES = {"男": "1", "男性": "1", "1": "1", "女": "2", "女性": "2", "2": "2"}


def is_blank(value: Any) -> bool:
    """True for an empty cell (None, "" or only spaces)."""
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str:
    """A cell as text: NFKC (full-width → half-width), trimmed; whole numbers without ".0"."""
    if value.__class__ is str:  # the common case first: most cells are text
        return (value if value.isascii() else unicodedata.normalize("NFKC", value)).strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def id_text(value: Any) -> str:
    """The ID column as text, refusing a number Excel has already rounded."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    if isinstance(value, float) and not value.is_integer():
        raise ValidationError("imports.id_is_decimal", field="id_number")
    digits = str(int(value))
    if len(digits) > _EXACT_DIGITS:
        # parse_id gives its "stored as a number" message for this scientific form.
        return f"{value:.14E}"
    return digits


def phone_text(value: Any) -> str:
    """The phone column as text (a mobile typed into a number cell is still fine)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def date_value(value: Any, field: str, label: Term) -> date | None:
    """A date cell, or text such as 2020/1/5, 2020.01.05, 20200105, 2020年1月5日 (None if blank)."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number_date(value, field, label)
    return _text_date(text(value), field, label)


def sex_code(value: Any) -> str:
    """GB/T 2261.1 code for 男/女 (or 1/2); "" when blank."""
    key = text(value).replace(" ", "")
    if not key:
        return ""
    code = SEXES.get(key)
    if code is None:
        raise ValidationError("imports.unknown_sex", text=key, field="sex")
    return code


@lru_cache(maxsize=4096)
def relation_of(raw: str) -> str:
    """The relation code of a cell's text (cached: a ledger repeats a few dozen values)."""
    if not raw.strip():
        raise ValidationError("residents.relation_missing", field="relation")
    return codes.relation_code(raw)


@lru_cache(maxsize=4096)
def ethnicity_of(raw: str) -> str:
    """The ethnicity code of a cell's text; legacy names (毛难族) map to today's."""
    if not raw.strip():
        raise ValidationError("imports.ethnicity_missing", field="ethnicity")
    return codes.ethnicity_code(raw)


@lru_cache(maxsize=1024)
def population_type_of(raw: str) -> str:
    """registered / floating / overseas from a code, a name or a short form; blank → registered."""
    key = "".join(raw.split())
    if not key:
        return "registered"
    if key in codes.POPULATION_TYPES:
        return key
    by_name = {name: code for code, name in codes.POPULATION_TYPES.items()}
    code = by_name.get(key) or codes.POPULATION_SYNONYMS.get(key)
    if code is None:
        raise ValidationError("imports.unknown_population_type", text=raw,
                              field="population_type")
    return code


def _number_date(value: float, field: str, label: Term) -> date:
    """An Excel date serial, or a number typed as YYYYMMDD."""
    if float(value).is_integer() and _DATE_DIGITS.fullmatch(str(int(value))):
        return _text_date(str(int(value)), field, label)
    if int(value) not in _SERIAL_RANGE:
        raise ValidationError("imports.not_a_date", label=label, value=text(value), field=field)
    return EXCEL_EPOCH + timedelta(days=int(value))


def _text_date(raw: str, field: str, label: Term) -> date:
    # A date written with a time (2020-01-05 00:00:00) is still that date.
    typed = "".join(_MIDNIGHT.sub("", raw.strip()).split())
    try:
        day = parse_day(typed)
    except NotADay:
        day = None
    except ValueError:
        raise ValidationError("imports.no_such_date", label=label, text=raw, field=field) from None
    if day is None:
        raise ValidationError("imports.date_unreadable", label=label, text=raw, field=field)
    return day
