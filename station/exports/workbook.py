"""Export data to a workbook: masked by default; unmasked only for roles allowed, with a reason.

`export_table` checks permissions and scope, counts the rows and writes the audit entry (kind,
count, masked or not, reason; an unmasked workbook is always written password-protected, see
reports.workbooks.export) before any row is read, so an export is on record even if writing
the file fails half-way. The rows stream from the database: read them inside the same unit of
work (reports.workbooks.export writes them).
"""

from __future__ import annotations

from collections.abc import Callable

from station import audit
from station.accounts.passwords import check_password_strength
from station.errors import ValidationError
from station.exports.activity import register_rows, request_rows, visit_rows
from station.exports.common import ExportRows
from station.exports.ledger import household_rows, person_rows
from station.exports.records import EXPORT_KINDS, ExportTable
from station.messages import Term
from station.permissions import require
from station.places.directory import community_by_code, find_grid
from station.scope import check_visible
from station.text_rules import free_text
from station.uow import UnitOfWork

MAX_REASON = 200

# kind → (row builder, the read permission the data needs besides data.export)
_BUILDERS: dict[str, tuple[Callable[[UnitOfWork, int | None, bool], ExportRows], str]] = {
    "households": (household_rows, "ledger.read"),
    "persons": (person_rows, "ledger.read"),
    "registers": (register_rows, "registers.read"),
    "visits": (visit_rows, "visits.read"),
    "requests": (request_rows, "requests.read"),
}


def export_table(uow: UnitOfWork, kind: str, *, grid_code: str | None = None, unmasked: bool = False,
                 reason: str = "", destination: str = "") -> ExportTable:
    """The rows of one kind in the actor's scope (one grid if `grid_code`), audited and committed."""
    build = check_export(uow, kind, unmasked=unmasked)
    reason = _valid_reason(reason, unmasked)
    grid_id = _grid_id(uow, grid_code) if grid_code else None
    found = build(uow, grid_id, not unmasked)
    audit.record(uow, "export", kind, None, new={
        "kind": kind, "count": found.count, "masked": not unmasked, "reason": reason,
        "grid": grid_code or "", "file": destination, "password_protected": unmasked,
    }, detail=f"导出{EXPORT_KINDS[kind]} {found.count} 行({'未脱敏' if unmasked else '脱敏'})"
              + (f";原因:{reason}" if reason else ""))
    uow.commit()
    return ExportTable(kind=kind, title=EXPORT_KINDS[kind], headers=found.headers,
                       count=found.count, masked=not unmasked, rows=found.rows)


def check_export(uow: UnitOfWork, kind: str, *, unmasked: bool) -> Callable[[UnitOfWork, int | None, bool], ExportRows]:
    """Refuse an unknown kind or an actor who may not export it (before anyone is asked for a
    reason or a password); returns the kind's row builder."""
    build, read_permission = _builder(kind)
    require(uow.actor, "data.export")
    require(uow.actor, read_permission)
    if unmasked:
        require(uow.actor, "data.export_unmasked")
    return build


def check_file_password(uow: UnitOfWork, password: str) -> str:
    """The password an unmasked workbook is encrypted under, held to the accounts' policy: the
    file leaves on a USB stick, so its password must withstand the same guessing."""
    check_password_strength(password, uow.actor.username)
    return password


def _builder(kind: str) -> tuple[Callable[[UnitOfWork, int | None, bool], ExportRows], str]:
    if kind not in _BUILDERS:
        choices = "、".join(f"{code}({name})" for code, name in EXPORT_KINDS.items())
        raise ValidationError("exports.unknown_kind", kind=kind, choices=choices, field="kind")
    return _BUILDERS[kind]


def _valid_reason(reason: str, unmasked: bool) -> str:
    reason = free_text(reason, limit=MAX_REASON, field="reason", label="导出原因")
    if unmasked and len(reason) < 2:
        raise ValidationError("exports.reason_missing", field="reason")
    return reason


def _grid_id(uow: UnitOfWork, code: str) -> int:
    """A grid of the actor's community (the station's own for street-wide actors) they may see."""
    community_id = uow.actor.community_id
    if community_id is None:
        community_id = community_by_code(uow, uow.settings.station.community_code).id
    grid = find_grid(uow, code.strip(), community_id)
    check_visible(uow.actor, grid.community_id, grid.id, Term("things.grid"))
    return grid.id
