"""Choosing the file to import: the .xlsx files nearby (the current folder, the station's folder and
the reports folder, newest first: a short list to pick from instead of typing), the path as typed,
and what tells that a checked file has not changed since."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.widgets import OptionList
from textual.widgets.option_list import Option

from screens.keys import bindings

FILES_SHOWN = 12
FileStamp = tuple[str, str, int, int]  # resolved path, mode, mtime (ns), size


def typed_path(text: str) -> Path | None:
    """The path as typed or pasted (the quotes a file manager adds removed); None when blank."""
    text = text.strip().strip("\"'").strip()
    return Path(text).expanduser() if text else None


def file_stamp(path: Path, mode: str) -> FileStamp | None:
    """What must not change between a check and the import it confirms (None: no such file)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (str(path.resolve()), mode, stat.st_mtime_ns, stat.st_size)


def ledger_files(folders: Iterable[Path], limit: int = FILES_SHOWN) -> list[Path]:
    """The newest .xlsx files directly in the folders (Excel's ~$ lock files left out)."""
    found: dict[Path, float] = {}
    for folder in folders:
        try:
            for path in folder.glob("*.xlsx"):
                if not path.name.startswith("~$") and path.is_file():
                    found[path.resolve()] = path.stat().st_mtime
        except OSError:
            continue  # a folder that is missing or unreadable simply offers nothing
    return sorted(found, key=lambda path: (-found[path], path.name))[:limit]


def shown_name(path: Path, here: Path) -> str:
    """The path as short as it can be said: relative to the current folder when inside it."""
    try:
        return str(path.relative_to(here))
    except ValueError:
        return str(path)


class FileList(OptionList):
    """Files to pick from; Enter puts the highlighted one into the path field."""

    BINDINGS = bindings("import.pick_file")

    def show(self, paths: list[Path], here: Path, empty_text: str) -> None:
        self.clear_options()
        if not paths:
            self.add_option(Option(empty_text, disabled=True))
            return
        self.add_options(Option(shown_name(path, here), id=str(path)) for path in paths)
        self.highlighted = 0  # so that Enter picks the newest at once
