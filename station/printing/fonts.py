"""Find a CJK TrueType font to embed in printouts, on Windows and Linux alike."""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

# In order of preference; TrueType (.ttf/.ttc) only: reportlab cannot embed CFF-based .otf fonts.
# Debian's fonts-noto-cjk .ttc files hold CFF outlines and are skipped by the outline check.
CANDIDATES = (
    "simsun.ttc", "simsun.ttf", "msyh.ttc", "msyh.ttf", "simhei.ttf", "simkai.ttf", "Deng.ttf",
    "wqy-microhei.ttc", "wqy-zenhei.ttc",
    "NotoSansSC-Regular.ttf", "NotoSerifSC-Regular.ttf", "NotoSansCJK-Regular.ttc",
    "NotoSerifCJK-Regular.ttc", "uming.ttc", "ukai.ttc",
    "DroidSansFallbackFull.ttf", "Arial Unicode.ttf",
)


def font_folders() -> list[Path]:
    """System and user font folders for this platform."""
    if sys.platform.startswith("win"):
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        local = Path(os.environ.get("LOCALAPPDATA", "")) / "Microsoft" / "Windows" / "Fonts"
        return [windir / "Fonts", local]
    if sys.platform == "darwin":
        return [Path("/System/Library/Fonts"), Path("/Library/Fonts"), Path.home() / "Library/Fonts"]
    return [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts",
            Path.home() / ".fonts"]


def find_cjk_font(configured: str = "") -> Path | None:
    """The configured font if it exists, else the first known CJK TrueType font on the system."""
    if configured:
        path = Path(configured).expanduser()
        return path if path.is_file() else None
    wanted = {name.lower(): rank for rank, name in enumerate(CANDIDATES)}
    found: list[tuple[int, Path]] = []
    for folder in font_folders():
        if folder.is_dir():
            for path in folder.rglob("*"):
                rank = wanted.get(path.name.lower())
                if rank is not None and has_truetype_outlines(path):
                    found.append((rank, path))
    return min(found)[1] if found else None


def has_truetype_outlines(path: Path) -> bool:
    """True when the font (the first of a .ttc collection) has TrueType `glyf` outlines.

    Only those can be embedded as a subset by reportlab; CFF outlines ('OTTO' fonts) cannot.
    """
    try:
        with Path(path).open("rb") as font:
            tag = font.read(4)
            if tag == b"ttcf":
                font.seek(12)
                font.seek(struct.unpack(">I", font.read(4))[0])
                tag = font.read(4)
            count = struct.unpack(">H", font.read(2))[0]
            font.seek(6, os.SEEK_CUR)
            tables = {font.read(16)[:4] for _ in range(count)}
    except (OSError, struct.error):
        return False
    return tag in (b"\x00\x01\x00\x00", b"true") and b"glyf" in tables
