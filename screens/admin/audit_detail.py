"""One audit row in full: who, when, what it is about, every value old → new, and the detail,
all masked as the list shows them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll

from screens.widgets.dialogs import MessageDialog
from screens.widgets.line_breaks import WrappedText
from station.audit_log.records import AuditRow
from station.audit_log.values import change_line


class AuditRowDialog(MessageDialog):
    """The row's values, one per line; Enter or Esc closes it."""

    # A registration's values (every member) run long: they scroll inside the box at 80x24.
    DEFAULT_CSS = """
    AuditRowDialog #audit-values { height: auto; max-height: 12; }
    """

    def __init__(self, title: str, heading: str, lines: list[str]):
        super().__init__(title, heading)
        self.lines = lines

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="audit-values"):
            yield WrappedText("\n".join(self.lines), id="audit-values-text")


def value_lines(row: AuditRow, *, redacted: str, detail_label: str, empty: str) -> list[str]:
    """`key: old → new` per value (or the redacted marker), then the detail."""
    if row.redacted:
        return [redacted]
    lines = [change_line(change) for change in row.changes]
    if row.detail:
        lines.append(f"{detail_label}: {row.detail}")
    return lines or [empty]
