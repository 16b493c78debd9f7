"""The audit chain's last verified head, kept on this PC: each start re-walks only the rows added since.

A full walk of a million rows takes seconds; the rows one day adds take milliseconds. The mark
lives outside the database (a file in the station's data folder, one entry per database), so a
log rewritten between two starts no longer passes through it and the next start says so. Rows
before the mark are left to `station audit verify` and `station doctor`, which walk everything.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from pathlib import Path

from sqlalchemy import Engine

from station.audit_chain import AuditMark, ChainCheck, verify_chain
from station.disk import replace_with_text
from station.settings import Settings

log = logging.getLogger(__name__)
MARKS_FILE = "data/audit-marks.json"


def check_since_mark(engine: Engine, settings: Settings) -> ChainCheck:
    """Verify the rows added since the last verified head; an intact chain moves the mark."""
    path, name = settings.resolve(MARKS_FILE), _database_name(engine)
    marks = _read(path)
    with engine.connect() as connection:
        result = verify_chain(connection, since=_mark(marks.get(name)))
    if result.ok:
        marks[name] = asdict(AuditMark(result.last_id, result.rows, result.head))
        _write(path, marks)
    return result


def forget_mark(engine: Engine, settings: Settings) -> None:
    """Drop the database's mark (a restore put another log in place): the next start walks it all."""
    path = settings.resolve(MARKS_FILE)
    marks = _read(path)
    if marks.pop(_database_name(engine), None) is not None:
        _write(path, marks)


def _database_name(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _mark(saved: object) -> AuditMark | None:
    try:
        return AuditMark(**saved) if isinstance(saved, dict) else None
    except TypeError:  # a mark from another version of the file: walk everything once
        return None


def _read(path: Path) -> dict[str, object]:
    try:
        marks = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        log.warning("审计校验标记文件无法读取,将完整校验审计日志:%s", error)
        return {}
    return marks if isinstance(marks, dict) else {}


def _write(path: Path, marks: dict[str, object]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_with_text(path, json.dumps(marks, ensure_ascii=False, indent=1), path.with_suffix(".partial"))
    except OSError as error:  # the counter must still open; the next start walks further
        log.warning("审计校验标记无法保存:%s", error)
