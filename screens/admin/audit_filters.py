"""The audit log's filter row: user, resident or household, action, and a date range.

Each field applies on Enter or when it is left, so a half-typed name or date never reaches the
database; Enter also moves on (from the last field into the list).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult
from textual.widgets import Input

from screens.widgets.filter_row import FilterRow
from station.dates import NoSuchDay, parse_day

FIELDS = ("user", "subject", "action", "from", "to")


@dataclass(frozen=True)
class AuditCriteria:
    """What was typed; `subject` is an ID number, a name or a household number (found later)."""

    user: str = ""
    subject: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None


class AuditFilters(FilterRow):
    """The five fields; posts Changed with new criteria, or Invalid with a message."""

    class Changed(FilterRow.Changed):
        """The criteria changed (`criteria`: AuditCriteria)."""

    class Invalid(FilterRow.Invalid):
        """A field holds what cannot be read (`message` says which)."""

    def __init__(self, today: date, *, id: str | None = None):  # noqa: A002 - Textual's name
        super().__init__(today, AuditCriteria(), id=id)

    def compose(self) -> ComposeResult:
        for field in FIELDS:
            yield Input(placeholder=self.t(f"audit_log.filter_{field}"), id=f"audit-{field}",
                        max_length=10 if field in ("from", "to") else 64, compact=True)

    def focus_first(self) -> None:
        self.query_one("#audit-user", Input).focus()

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
        except NoSuchDay:
            raise ValueError(self.t("audit_log.no_such_day", field=self.t(f"audit_log.filter_{field}"),
                                    value=self._text(field))) from None
        except ValueError:
            raise ValueError(self.t("audit_log.bad_date", field=self.t(f"audit_log.filter_{field}"),
                                    today=self.today.isoformat())) from None
