"""The recovery sheet's tests: a fake `lp` (a real program on PATH) and looking for the key in files."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import text


def fake_lp(folder: Path, *, fails: bool = False) -> Path:
    """A folder holding an `lp` that copies its stdin to folder/printed.pdf (or refuses the job);
    put it first on PATH. Returns the file the printer "printed"."""
    folder.mkdir(parents=True, exist_ok=True)
    printed = folder / "printed.pdf"
    body = ('echo "lp: The printer or class does not exist." >&2\nexit 1\n' if fails
            else f'cat > "{printed}"\necho "request id is Fake-7 (1 file(s))"\n')
    lp = folder / "lp"
    lp.write_text(f"#!/bin/sh\n{body}", encoding="utf-8")
    lp.chmod(0o755)
    return printed


def path_with(folder: Path) -> str:
    """PATH with `folder` first (its `lp` found before any real one)."""
    return f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"


def key_forms(recovery_key: str) -> list[bytes]:
    """The key as it could lie in a file: with or without its dashes, either case, UTF-8 or UTF-16."""
    plain = recovery_key.replace("-", "")
    forms = {recovery_key, plain, recovery_key.lower(), plain.lower(), *recovery_key.split("-")[:1]}
    return [form.encode(encoding) for form in forms for encoding in ("utf-8", "utf-16-le")]


def files_holding(folder: Path, recovery_key: str, *, skip: Path | None = None) -> list[Path]:
    """Every file under `folder` (but not under `skip`) that holds the key or its first group."""
    found = []
    for path in folder.rglob("*"):
        if not path.is_file() or (skip is not None and skip in path.parents):
            continue
        raw = path.read_bytes()
        if any(form in raw for form in key_forms(recovery_key)):
            found.append(path)
    return found


def audit_rows(db, action: str) -> list[tuple[str, str, str]]:
    """(username, entity, detail) of every audit row of `action`, oldest first."""
    with db.engine.connect() as connection:
        rows = connection.execute(text("select username, entity, detail from audit_log where action = :action "
                                       "order by id"), {"action": action})
        return [tuple(row) for row in rows]
