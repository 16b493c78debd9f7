"""Reading printouts back in tests: text via pdftotext, fonts via pdffonts (poppler-utils)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from station.printing.fonts import find_cjk_font

INSTALL = "安装 poppler-utils 和 fonts-wqy-microhei(`make test` 会自动安装)"


def require_tools() -> None:
    """Fail (not skip) when the PDF tools or a CJK font are missing: the checks must run."""
    missing = [tool for tool in ("pdftotext", "pdffonts", "pdftoppm") if shutil.which(tool) is None]
    if missing or find_cjk_font() is None:
        pytest.fail(f"缺少 {', '.join(missing) or '中文字体'}:{INSTALL}")


def pdf_text(path: Path, *, layout: bool = True) -> str:
    """The text of a PDF, laid out as on the page."""
    require_tools()
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=60).stdout


def pdf_fonts(path: Path) -> list[dict[str, str]]:
    """pdffonts' table: one dict per font with name, type, emb, sub."""
    require_tools()
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True,
                           timeout=60).stdout.splitlines()[2:]
    fonts = []
    for line in lines:
        match = re.match(r"(\S+)\s+(.+?)\s{2,}(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)", line)
        assert match, f"unexpected pdffonts line: {line!r}"
        fonts.append({"name": match[1], "type": match[2], "emb": match[4], "sub": match[5]})
    return fonts


def assert_fonts_embedded(path: Path) -> None:
    """Every font is an embedded TrueType subset: the PDF prints the same on any PC."""
    fonts = pdf_fonts(path)
    assert fonts, "the PDF names no font"
    for font in fonts:
        assert (font["emb"], font["sub"]) == ("yes", "yes"), font
        assert font["type"] == "TrueType", font


def squeeze(text: str) -> str:
    """Text without any whitespace, to find labels a table cell may have wrapped."""
    return re.sub(r"\s+", "", text)


ID_OR_PHONE = re.compile(r"(?<![\dA-Za-z*])\d{7,}")


def unmasked_numbers(text: str) -> list[str]:
    """Runs of 7+ digits not touching a mask: an ID or phone number printed whole."""
    return ID_OR_PHONE.findall(text)
