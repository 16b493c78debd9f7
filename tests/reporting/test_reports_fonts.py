"""Font discovery and registration: TrueType found and embedded; CFF and missing fonts refused clearly."""

from __future__ import annotations

import struct
from dataclasses import replace
from pathlib import Path

import pytest
from reports_support import require_tools

from reports.pdf.fonts import FontMissing, cjk_font, register_font
from station.doctor import font_check
from station.printing.fonts import find_cjk_font, has_truetype_outlines
from station.settings import ReportSettings, Settings


def _sfnt(path: Path, version: bytes, tables: list[bytes]) -> Path:
    """A font file holding only an sfnt header and table directory (enough for the outline check)."""
    header = version + struct.pack(">HHHH", len(tables), 0, 0, 0)
    records = b"".join(tag + struct.pack(">III", 0, 0, 0) for tag in tables)
    path.write_bytes(header + records)
    return path


def _settings(font: str = "") -> Settings:
    return replace(Settings(), reports=ReportSettings(font=font))


def test_the_system_cjk_font_is_truetype_and_registers():
    require_tools()
    font = find_cjk_font()
    assert font is not None and has_truetype_outlines(font)
    assert cjk_font(_settings()) == register_font(font)  # registered once, same name after


def test_a_configured_font_wins_over_the_system_search(tmp_path):
    require_tools()
    configured = tmp_path / "mine.ttc"
    configured.write_bytes(Path(find_cjk_font()).read_bytes())
    assert find_cjk_font(str(configured)) == configured
    assert cjk_font(_settings(str(configured))) != cjk_font(_settings())


def test_cff_outlines_are_recognised_and_refused(tmp_path):
    otf = _sfnt(tmp_path / "NotoSansCJK-Regular.otf", b"OTTO", [b"CFF ", b"cmap", b"head"])
    ttf = _sfnt(tmp_path / "fake.ttf", b"\x00\x01\x00\x00", [b"cmap", b"glyf", b"head", b"loca"])
    assert not has_truetype_outlines(otf) and has_truetype_outlines(ttf)
    assert not has_truetype_outlines(tmp_path / "absent.ttf")
    with pytest.raises(FontMissing, match="CFF"):
        cjk_font(_settings(str(otf)))
    assert font_check(_settings(str(otf))).status == "fail"


def test_a_ttc_collection_is_read_through_its_first_font(tmp_path):
    inner = _sfnt(tmp_path / "inner.ttf", b"\x00\x01\x00\x00", [b"glyf"]).read_bytes()
    collection = tmp_path / "collection.ttc"
    collection.write_bytes(b"ttcf" + struct.pack(">III", 0x00010000, 1, 16) + inner)
    assert has_truetype_outlines(collection)


def test_a_missing_font_says_how_to_get_one(tmp_path):
    with pytest.raises(FontMissing) as error:
        cjk_font(_settings(str(tmp_path / "simsun.ttc")))
    assert "simsun.ttc" in error.value.message and "fonts-wqy-microhei" in error.value.message
    assert error.value.title == "缺少中文字体"
    check = font_check(_settings(str(tmp_path / "simsun.ttc")))
    assert check.status == "fail" and "fonts-wqy-microhei" in check.detail
