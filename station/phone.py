"""Chinese phone numbers: mobiles (11 digits) and landlines (AREA-NUMBER); normalise and mask."""

from __future__ import annotations

import re
import unicodedata

from station.errors import ValidationError

MOBILE = re.compile(r"1[3-9][0-9]{9}")
# Three-digit area codes are 010 and 02x; every other mainland area code has four digits.
AREA_CODE = re.compile(r"0[12][0-9]|0[3-9][0-9]{2}")
LANDLINE = re.compile(r"(0[12][0-9]|0[3-9][0-9]{2})-([0-9]{7,8})")

_DASHES = "-‐‑‒–—―−－"
_COUNTRY_PREFIXES = ("+86", "0086", "86")


def normalize_phone(raw: str) -> str:
    """Remove typing noise; keep a dash only between a landline's area code and number."""
    if raw and raw.isascii() and raw.isdigit():
        return _without_country_prefix(raw)  # the usual case: digits only
    text = "".join(unicodedata.normalize("NFKC", raw or "").split())
    for dash in _DASHES:
        text = text.replace(dash, "-")
    text = _area_in_brackets(text)
    digits = text.replace("-", "")
    if (mobile := _without_country_prefix(digits)) != digits:
        return mobile
    area, dash, rest = text.partition("-")
    # Keep a dash after anything that looks like an area code, so a bad one is reported as such.
    if dash and area.startswith("0") and area.isdigit():
        return f"{area}-{rest.replace('-', '')}"
    return digits


def parse_phone(raw: str, *, field: str = "phone") -> str:
    """Validate a phone number and return it canonical ("" stays ""), else ValidationError."""
    text = normalize_phone(raw)
    if not text:
        return ""
    digits = text.replace("-", "")
    if not (digits.isascii() and digits.isdigit()):
        raise ValidationError("phone.bad_characters", field=field)
    if "-" in text:
        return _landline(text, field)
    if digits.startswith("0"):
        return _landline(_split_area(digits), field)
    if len(digits) in (7, 8):
        raise ValidationError("phone.area_code_missing", field=field)
    # Only near-miss lengths get the mobile-specific message; the rest is just malformed.
    if digits.startswith("1") and 9 <= len(digits) <= 13:
        return _mobile(digits, field)
    raise ValidationError("phone.bad_format", field=field)


def is_mobile(phone: str) -> bool:
    """True for a canonical 11-digit mobile number."""
    return bool(MOBILE.fullmatch(phone or ""))


def mask_phone(phone: str) -> str:
    """Mask the middle: mobile 138****1234, landline 010-****5678."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    if len(phone) == 11 and phone.isdigit():
        return phone[:3] + "****" + phone[-4:]
    area, dash, number = phone.rpartition("-")
    # Short or odd values still hide at least half, so nothing leaks whole.
    keep = 4 if len(number) >= 7 else len(number) // 2
    return f"{area}{dash}" + "*" * (len(number) - keep) + number[len(number) - keep :]


def _without_country_prefix(digits: str) -> str:
    """A mobile written with +86 / 0086 / 86 in front, without it; any other text as it is."""
    for prefix in _COUNTRY_PREFIXES:
        if digits.startswith(prefix) and MOBILE.fullmatch(digits[len(prefix) :]):
            return digits[len(prefix) :]
    return digits


def _area_in_brackets(text: str) -> str:
    """Write "(010)12345678" as "010-12345678"."""
    match = re.fullmatch(r"\((0[0-9]{2,3})\)-?(.*)", text)
    return f"{match[1]}-{match[2]}" if match else text


def _split_area(digits: str) -> str:
    """Insert the dash after the area code of a landline typed without one."""
    size = 3 if digits[1:2] in ("1", "2") else 4
    return f"{digits[:size]}-{digits[size:]}"


def _mobile(digits: str, field: str) -> str:
    """An 11-digit mobile number starting 13-19."""
    if len(digits) != 11:
        raise ValidationError("phone.mobile_length", length=len(digits), field=field)
    if not MOBILE.fullmatch(digits):
        raise ValidationError("phone.mobile_prefix", field=field)
    return digits


def _landline(text: str, field: str) -> str:
    """An AREA-NUMBER landline with a 7-8 digit local number."""
    area, _, number = text.partition("-")
    if not AREA_CODE.fullmatch(area):
        raise ValidationError("phone.bad_area_code", area=area, field=field)
    if not LANDLINE.fullmatch(text):
        raise ValidationError("phone.landline_length", field=field)
    return text
