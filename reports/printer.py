"""Send a printout to the default printer with CUPS' `lp`, where the machine has one."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from station.errors import StationError


class PrintError(StationError):
    """lp is missing or refused the job (the file is kept)."""

    title_code = "errors.title.printing"


def has_printer() -> bool:
    """True when the `lp` command exists (CUPS on Linux/macOS)."""
    return shutil.which("lp") is not None


def send(path: Path) -> str:
    """Queue a file on the default printer; returns lp's answer (the job id)."""
    lp = shutil.which("lp")
    if lp is None:
        raise PrintError("printing.no_lp", path=path)
    try:
        result = subprocess.run([lp, "--", str(path)], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PrintError("printing.lp_unavailable", error=error, path=path) from error
    if result.returncode != 0:
        raise PrintError("printing.lp_failed", path=path, answer=result.stderr.strip() or result.returncode)
    return result.stdout.strip()


def send_bytes(data: bytes, title: str) -> str:
    """Queue a PDF held in memory on the default printer (lp reads it from stdin, so no file is
    written for it); returns lp's answer (the job id)."""
    lp = shutil.which("lp")
    if lp is None:
        raise PrintError("printing.no_lp_stdin", title=title)
    try:
        result = subprocess.run([lp, "-t", title], input=data, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PrintError("printing.lp_unavailable_stdin", error=error, title=title) from error
    if result.returncode != 0:
        answer = result.stderr.decode(errors="replace").strip() or result.returncode
        raise PrintError("printing.lp_failed_stdin", title=title, answer=answer)
    return result.stdout.decode(errors="replace").strip()
