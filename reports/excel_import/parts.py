"""The parts of an .xlsx that say where each sheet's XML is (xl/workbook.xml and its relationships)."""

from __future__ import annotations

import zipfile
from pathlib import PurePosixPath
from typing import Any

from defusedxml import ElementTree as SafeTree

from station.errors import ValidationError

_MAIN_PARTS = 8 * 1024 * 1024  # workbook.xml and its relationships: a few KB in any real file


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the zip part holding its XML, from xl/workbook.xml and its relationships."""
    workbook = _small_part(archive, "xl/workbook.xml")
    relationships = _small_part(archive, "xl/_rels/workbook.xml.rels")
    targets = {item.get("Id"): item.get("Target", "") for item in relationships
               if item.tag.endswith("Relationship")}
    parts: dict[str, str] = {}
    for item in workbook.iter():
        if item.tag.endswith("}sheet"):
            rel = next((value for key, value in item.attrib.items() if key.endswith("}id")), None)
            target = targets.get(rel, "")
            if item.get("name") and target:
                parts[item.get("name", "")] = _part_name(target)
    return parts


def sheet_member(archive: zipfile.ZipFile, sheet: str) -> str:
    """The zip member holding the named sheet's XML (part names are case-insensitive in Excel)."""
    part = sheet_parts(archive).get(sheet)
    if part is None:
        raise ValidationError("imports.no_such_sheet", sheet=sheet, field="sheet")
    return member(archive, part)


def _small_part(archive: zipfile.ZipFile, name: str) -> Any:
    names = {info.filename.lower(): info for info in archive.infolist()}
    info = names.get(name.lower())
    if info is None or info.file_size > _MAIN_PARTS:
        raise ValidationError("imports.part_missing", part=name, field="file")
    try:
        return SafeTree.fromstring(archive.read(info), forbid_dtd=True)
    except (SafeTree.ParseError, ValueError) as error:
        raise ValidationError("imports.part_unreadable", part=name, field="file") from error


def member(archive: zipfile.ZipFile, name: str) -> str:
    """The zip member of a part name (Excel treats part names case-insensitively)."""
    wanted = name.lower()
    found = next((info.filename for info in archive.infolist() if info.filename.lower() == wanted), None)
    if found is None:
        raise ValidationError("imports.sheet_part_missing", part=name, field="file")
    return found


def _part_name(target: str) -> str:
    """A relationship target (relative to xl/, or absolute from the package root) as a zip name."""
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for piece in PurePosixPath("xl", target).parts:
        if piece == "..":
            if parts:
                parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)
