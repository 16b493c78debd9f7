"""Find a CJK TrueType font to embed in printouts, on Windows and Linux alike."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# In order of preference; TrueType (.ttf/.ttc) only: reportlab cannot embed CFF-based .otf fonts.
CANDIDATES = (
    "simsun.ttc", "simsun.ttf", "msyh.ttc", "msyh.ttf", "simhei.ttf",
    "wqy-microhei.ttc", "wqy-zenhei.ttc",
    "NotoSansCJK-Regular.ttc", "NotoSerifCJK-Regular.ttc", "NotoSansSC-Regular.ttf",
    "DroidSansFallbackFull.ttf",
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
                if rank is not None:
                    found.append((rank, path))
    return min(found)[1] if found else None
