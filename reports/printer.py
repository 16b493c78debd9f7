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
        raise PrintError(f"本机没有打印命令 lp,文件已保存在 {path}")
    try:
        result = subprocess.run([lp, "--", str(path)], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PrintError(f"无法调用 lp:{error};文件已保存在 {path}") from error
    if result.returncode != 0:
        raise PrintError(f"lp 报错:{result.stderr.strip() or result.returncode};文件已保存在 {path}")
    return result.stdout.strip()
