"""The counter's log file: rotating, under the user's log folder, never holding ID or phone numbers."""

from __future__ import annotations

import logging
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOGGER_NAME = "station.tui"
# 18-digit IDs (last may be X), old 15-digit IDs, mobiles, landlines with an area code: anything
# that could name a resident is replaced before a record reaches the file.
_SENSITIVE = re.compile(
    r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15}|1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?![0-9A-Za-z])"
)
MASK = "[已隐藏]"

logging.getLogger(LOGGER_NAME).addHandler(logging.NullHandler())


def scrub(text: str) -> str:
    """Replace anything that looks like an ID or phone number."""
    return _SENSITIVE.sub(MASK, text)


class ScrubFilter(logging.Filter):
    """Renders message and traceback early, scrubbed, so no handler ever sees the raw values."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


def log_folder() -> Path:
    from platformdirs import user_log_dir

    return Path(user_log_dir("station", appauthor=False))


def setup_logging(folder: Path | None = None) -> Path:
    """Attach the rotating file handler to the TUI's logger; returns the log file's path."""
    folder = folder or log_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "station.log"
    handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.addFilter(ScrubFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger(LOGGER_NAME)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return path
