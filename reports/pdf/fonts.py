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
from station.printing.fonts import find_cjk_font, has_truetype_outlines
from station.settings import Settings

HINT = ("请在 station.toml 的 [reports] font 指定中文 TrueType 字体文件(.ttf/.ttc,如 Windows 的 "
        "simsun.ttc、msyh.ttc),或在 Debian 上安装:sudo apt-get install fonts-wqy-microhei")

_registered: dict[Path, str] = {}


class FontMissing(StationError):
    """No embeddable CJK font: printouts would show empty boxes instead of Chinese."""

    title_code = "errors.title.font_missing"


def cjk_font(settings: Settings) -> str:
    """The reportlab name of the configured or discovered CJK font, registered on first use."""
    path = find_cjk_font(settings.reports.font)
    if path is None:
        where = f"找不到配置的字体 {settings.reports.font}" if settings.reports.font else "未找到中文字体"
        raise FontMissing(f"{where},无法打印中文。{HINT}")
    return register_font(path)


def register_font(path: Path) -> str:
    """Register a .ttf or the first font of a .ttc (once per process); returns its name."""
    path = Path(path).resolve()
    if path in _registered:
        return _registered[path]
    if not has_truetype_outlines(path):
        raise FontMissing(f"{path} 不是 TrueType 字体(CFF/OpenType 字形无法嵌入)。{HINT}")
    name = f"StationCJK{len(_registered)}"
    try:
        font = TTFont(name, str(path), subfontIndex=0)
    except (TTFError, OSError) as error:
        raise FontMissing(f"字体 {path} 无法使用:{error}。{HINT}") from error
    pdfmetrics.registerFont(font)
    # CJK fonts have no bold or italic faces: <b> in a paragraph keeps the same face.
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(name, bold, italic, name)
    _registered[path] = name
    return name
