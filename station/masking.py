"""One rule for ID and phone numbers inside free text, for every masked output and the log.

Clerks type numbers into notes, visit content and request descriptions the way people say
them: `+8613912345678`, `139 1234 5678`, `139-1234-5678`, `110105 19840724 8761`, full-width
digits from a Chinese input method, `(010)87654321`. Each is found here and masked as lists mask
it (`139****5678`, `110105********8761`), or replaced outright for the log. Dates (`2026-11-23`),
amounts and household numbers stay readable: separated groups count only in the shapes that
phones and ID numbers are written in.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from station.idcard import mask_id
from station.phone import mask_phone

# Full-width digits, letters X/x, plus, hyphen, parentheses and the ideographic space.
_HALF_WIDTH = str.maketrans({
    **{chr(0xFF10 + n): str(n) for n in range(10)},
    "Ｘ": "X", "ｘ": "x", "＋": "+", "－": "-", "（": "(", "）": ")", "\u3000": " ",
})
_SEP = r"[ \-]?"
_ID = rf"\d{{6}}{_SEP}\d{{8}}{_SEP}\d{{3}}[\dXx](?:\d{{2}})?"
_MOBILE = rf"(?:(?:\+|00)?86{_SEP})?1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}"
_LANDLINE = r"(?:\(0\d{2,3}\)|0\d{2,3}-)\s?\d{7,8}"
_LONG_RUN = r"\+?\d{7,}"
_NUMBER = re.compile(
    rf"(?<![0-9A-Za-z*])(?:(?P<id>{_ID})|(?P<other>{_MOBILE}|{_LANDLINE}|{_LONG_RUN}))(?![0-9A-Za-z])"
)


def mask_text(text: str | None, replacement: str | None = None) -> str:
    """Free text with every ID-like and phone-like number masked (or replaced by `replacement`)."""
    if not text:
        return ""
    return _NUMBER.sub(_masker(replacement), text.translate(_HALF_WIDTH))


def mask_optional(text: str | None) -> str | None:
    """mask_text for a cell that may be empty (an empty cell stays empty)."""
    return mask_text(text) or None


def _masker(replacement: str | None) -> Callable[[re.Match[str]], str]:
    def mask(match: re.Match[str]) -> str:
        if replacement is not None:
            return replacement
        if match.group("id"):
            return mask_id(re.sub(r"[ \-]", "", match.group("id")))
        return _mask_other(match.group("other"))

    return mask


def _mask_other(found: str) -> str:
    """A phone-like number masked as lists show it; other long runs keep at most their last 4."""
    digits = re.sub(r"\D", "", found)
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11 and digits[len(prefix)] == "1":
            digits = digits[len(prefix):]
    landline = re.fullmatch(r"\(?(0\d{2,3})\)?[ \-]?(\d{7,8})", found.strip())
    if landline:
        return mask_phone(f"{landline.group(1)}-{landline.group(2)}")
    return mask_phone(digits)
