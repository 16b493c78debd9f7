"""The counter's log file: rotating, under the user's log folder, never holding ID or phone numbers."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from station.disk import private_file, private_folder
from station.masking import mask_text

LOGGER_NAME = "station.tui"
MASK = "[已隐藏]"

logging.getLogger(LOGGER_NAME).addHandler(logging.NullHandler())


def scrub(text: str) -> str:
    """Replace anything that looks like an ID or phone number (the rule every masked output uses)."""
    return mask_text(text, MASK)


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
    path = private_folder(folder) / "station.log"
    private_file(path)
    handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.addFilter(ScrubFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger(LOGGER_NAME)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return path
