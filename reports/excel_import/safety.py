"""Open only workbooks that are what they claim: plain .xlsx, not too big, no zip bomb, no macros.

An .xlsx is a zip of XML parts. Before any parser sees one we check, from the zip's directory
alone: the file size, the number of parts, the total and per-part expansion (a zip bomb inflates
a few MB into GBs), and signs of VBA macros (.xlsm renamed to .xlsx). openpyxl must parse XML
through defusedxml (no entity expansion, no external entities); python-calamine's Rust parser
does not expand entities at all.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from station.errors import ValidationError
from station.messages import Term

MACRO_SUFFIXES = frozenset({".xlsm", ".xltm", ".xlam", ".xlsb"})
ACCEPTED_SUFFIXES = frozenset({".xlsx"})
_MACRO_PARTS = ("vbaproject.bin", "vbadata.xml", "xl/macrosheets/", "activex/")


@dataclass(frozen=True)
class WorkbookLimits:
    """Generous for ledgers (100,000 rows are about 9 MB, 14 parts, 10x expansion)."""

    max_bytes: int = 64 * 1024 * 1024
    max_members: int = 2000
    max_uncompressed: int = 1024 * 1024 * 1024
    max_ratio: float = 200.0  # uncompressed / compressed, per part and over the whole file


def ensure_defused_xml() -> None:
    """Refuse to go on unless openpyxl parses through defusedxml."""
    from openpyxl import xml

    if not xml.DEFUSEDXML:
        raise ValidationError("imports.defusedxml_missing",
                              field="file")


def check_workbook(path: Path, limits: WorkbookLimits | None = None) -> None:
    """Raise ValidationError with a clear Chinese reason unless `path` is a safe .xlsx file."""
    limits = limits or WorkbookLimits()
    path = Path(path)
    if not path.is_file():
        raise ValidationError("imports.file_missing", path=path, field="file")
    _check_suffix(path)
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise ValidationError("imports.file_too_large", size=size // 1048576, limit=limits.max_bytes // 1048576,
                              field="file")
    if not zipfile.is_zipfile(path):
        raise ValidationError("imports.not_xlsx",
                              field="file")
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        _check_members(members, size, limits)
        _check_macros(archive, members)
    ensure_defused_xml()


def _check_suffix(path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix in MACRO_SUFFIXES:
        raise ValidationError("imports.macro_format", suffix=suffix,
                              field="file")
    if suffix == ".xls":
        raise ValidationError("imports.old_xls", field="file")
    if suffix not in ACCEPTED_SUFFIXES:
        raise ValidationError("imports.wrong_suffix", suffix=suffix or Term("imports.no_suffix"), field="file")


def _check_members(members: list[zipfile.ZipInfo], size: int, limits: WorkbookLimits) -> None:
    if len(members) > limits.max_members:
        raise ValidationError("imports.too_many_parts", parts=len(members), field="file")
    total = sum(member.file_size for member in members)
    if total > limits.max_uncompressed or total > max(size, 1) * limits.max_ratio:
        raise ValidationError("imports.zip_bomb", field="file")
    for member in members:
        if member.file_size > max(member.compress_size, 1024) * limits.max_ratio:
            raise ValidationError("imports.part_ratio", part=member.filename,
                                  field="file")


def _check_macros(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    names = [member.filename.lower() for member in members]
    has_macro_part = any(part in name for name in names for part in _MACRO_PARTS)
    content_types = _content_types(archive, names)
    if has_macro_part or "macroenabled" in content_types or "vbaproject" in content_types:
        raise ValidationError("imports.has_macros",
                              field="file")


def _content_types(archive: zipfile.ZipFile, names: list[str]) -> str:
    """[Content_Types].xml lower-cased (it is small; a huge one is refused by the ratio check)."""
    if "[content_types].xml" not in names:
        raise ValidationError("imports.content_types_missing", field="file")
    name = next(m.filename for m in archive.infolist() if m.filename.lower() == "[content_types].xml")
    with archive.open(name) as part:
        return part.read(1024 * 1024).decode("utf-8", errors="replace").lower()
