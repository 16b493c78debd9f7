"""Register a CJK TrueType font with reportlab; every printout embeds a subset of it.

A CID font that is not embedded (reportlab's STSong-Light) prints empty boxes on a PC without
Chinese fonts, so printing refuses to start rather than fall back to one.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from station.errors import StationError
from station.messages import Term
from station.printing.fonts import find_cjk_font, has_truetype_outlines
from station.settings import Settings

HINT = Term("printing.font_hint")

_registered: dict[Path, str] = {}


class FontMissing(StationError):
    """No embeddable CJK font: printouts would show empty boxes instead of Chinese."""

    title_code = "errors.title.font_missing"


def cjk_font(settings: Settings) -> str:
    """The reportlab name of the configured or discovered CJK font, registered on first use."""
    path = find_cjk_font(settings.reports.font)
    if path is None:
        where = Term("printing.font_not_found", font=settings.reports.font) if settings.reports.font \
            else Term("printing.no_cjk_font")
        raise FontMissing("printing.font_missing", where=where, hint=HINT)
    return register_font(path)


def register_font(path: Path) -> str:
    """Register a .ttf or the first font of a .ttc (once per process); returns its name."""
    path = Path(path).resolve()
    if path in _registered:
        return _registered[path]
    if not has_truetype_outlines(path):
        raise FontMissing("printing.font_not_truetype", path=path, hint=HINT)
    name = f"StationCJK{len(_registered)}"
    try:
        font = TTFont(name, str(path), subfontIndex=0)
    except (TTFError, OSError) as error:
        raise FontMissing("printing.font_unusable", path=path, error=error, hint=HINT) from error
    pdfmetrics.registerFont(font)
    # CJK fonts have no bold or italic faces: <b> in a paragraph keeps the same face.
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(name, bold, italic, name)
    _registered[path] = name
    return name
