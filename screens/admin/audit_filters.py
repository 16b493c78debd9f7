"""The audit log's filter row: user, resident or household, action, and a date range.

Each field applies on Enter or when it is left, so a half-typed name or date never reaches the
database; Enter also moves on (from the last field into the list).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input

from screens.base import Localized
from station.dates import parse_day

FIELDS = ("user", "subject", "action", "from", "to")


@dataclass(frozen=True)
class AuditCriteria:
    """What was typed; `subject` is an ID number, a name or a household number (found later)."""

    user: str = ""
    subject: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None


class AuditFilters(Localized, Horizontal):
    """The five fields; posts Changed with new criteria, or Invalid with a message."""

    @dataclass
    class Changed(Message):
        criteria: AuditCriteria

    @dataclass
    class Invalid(Message):
        message: str

    def __init__(self, today: date, *, id: str | None = None):  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.today = today
        self.criteria = AuditCriteria()

    def compose(self) -> ComposeResult:
        for field in FIELDS:
            yield Input(placeholder=self.t(f"audit_log.filter_{field}"), id=f"audit-{field}",
                        max_length=10 if field in ("from", "to") else 64, compact=True)

    def focus_first(self) -> None:
        self.query_one("#audit-user", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.apply():
            self.screen.focus_next()

    def on_input_blurred(self, event: Input.Blurred) -> None:
        self.apply()

    def apply(self) -> bool:
        """Read the fields; post Changed when the criteria differ, Invalid for a bad date."""
        try:
            criteria = self.read()
        except ValueError as error:
            self.post_message(self.Invalid(str(error)))
            return False
        if criteria != self.criteria:
            self.criteria = criteria
            self.post_message(self.Changed(criteria))
        return True

    def read(self) -> AuditCriteria:
        date_from, date_to = self._day("from"), self._day("to")
        if date_from and date_to and date_from > date_to:
            raise ValueError(self.t("audit_log.from_after_to"))
        return AuditCriteria(user=self._text("user"), subject=self._text("subject"),
                             action=self._text("action"), date_from=date_from, date_to=date_to)

    def _text(self, field: str) -> str:
        return self.query_one(f"#audit-{field}", Input).value.strip()

    def _day(self, field: str) -> date | None:
        try:
            return parse_day(self._text(field), self.today)
        except ValueError:
            raise ValueError(self.t("audit_log.bad_date", field=self.t(f"audit_log.filter_{field}"))) from None
