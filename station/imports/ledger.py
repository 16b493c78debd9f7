"""Import a ledger (rows read from a workbook by reports.excel_import.reader) all or nothing.

`run_import` checks every row (see import_rows, import_households, import_upsert for the rules),
and writes only when no row is refused: in one transaction, in bulk, audited as "import". A dry
run (or a refused import) writes nothing but is audited as "import_check": its refusals tell who
is registered, as a search would. Modes: "insert" refuses ID numbers and 户号 already in the
database; "upsert" updates those persons instead (semantics in import_upsert).
"""

from __future__ import annotations

import time

from sqlalchemy.exc import IntegrityError

from station import audit
from station.db import refresh_statistics
from station.errors import ConflictError, ValidationError
from station.imports.plan import ImportPlan, Progress, make_plan
from station.imports.records import ImportReport, LedgerSource
from station.imports.write import WRITTEN_TABLES, write_plan
from station.permissions import require
from station.uow import UnitOfWork

__all__ = ["ImportPlan", "ImportReport", "apply_import", "plan_import", "run_import"]



def plan_import(uow: UnitOfWork, source: LedgerSource, *, mode: str = "insert", source_name: str = "",
                progress: Progress | None = None) -> ImportPlan:
    """Check every row against the rules and the database; writes nothing."""
    require(uow.actor, "data.import")
    return make_plan(uow, source, mode, source_name, progress or _silent)


def apply_import(uow: UnitOfWork, plan: ImportPlan, *, progress: Progress | None = None,
                 seconds: float = 0.0) -> ImportReport:
    """Write a plan without refusals (in the unit of work it was planned in), audit and commit."""
    require(uow.actor, "data.import")
    if not plan.ok:
        raise ValidationError("imports.rows_refused", rows=plan.counts.rows_refused, field="rows")
    started = time.perf_counter()
    try:
        analyzed = write_plan(uow, plan, progress or _silent)
        report = _report(plan, dry_run=False, written=True, seconds=seconds + time.perf_counter() - started)
        audit.record(uow, "import", "community", plan.community_id, new=_audit_values(plan),
                     detail=f"{plan.source_name}：{report.describe()}", community_id=plan.community_id)
        uow.commit()
    except IntegrityError as error:
        uow.session.rollback()
        raise ConflictError("imports.changed_meanwhile") from error
    if not analyzed:
        refresh_statistics(uow.database.engine, WRITTEN_TABLES)
    return report


def run_import(uow: UnitOfWork, source: LedgerSource, *, mode: str = "insert", dry_run: bool = False,
               source_name: str = "", progress: Progress | None = None) -> ImportReport:
    """Plan, and unless it is a dry run or a row is refused, write: the CLI's and the UI's entry point."""
    started = time.perf_counter()
    plan = plan_import(uow, source, mode=mode, source_name=source_name, progress=progress)
    if dry_run or not plan.ok:
        report = _report(plan, dry_run=dry_run, written=False, seconds=time.perf_counter() - started)
        audit_check(uow, plan, report)
        return report
    return apply_import(uow, plan, progress=progress, seconds=time.perf_counter() - started)


def audit_check(uow: UnitOfWork, plan: ImportPlan, report: ImportReport) -> None:
    """Record a check that wrote nothing: its refusals name who is registered, like a search answer."""
    matched = plan.matched
    kind = "试运行" if report.dry_run else "未写入"
    audit.record(uow, "import_check", "community", plan.community_id,
                 new={**_audit_values(plan), "dry_run": report.dry_run, "matched": matched},
                 detail=f"{plan.source_name}：{kind}，文件中已登记人员 {matched} 人；{report.describe()}",
                 community_id=plan.community_id)
    uow.commit()


def _report(plan: ImportPlan, *, dry_run: bool, written: bool, seconds: float) -> ImportReport:
    return ImportReport(mode=plan.mode, dry_run=dry_run, written=written, counts=plan.counts,
                        errors=plan.errors, new_grids=plan.new_grids, new_buildings=plan.new_buildings,
                        seconds=round(seconds, 2), source_name=plan.source_name)


def _audit_values(plan: ImportPlan) -> dict:
    return {"mode": plan.mode, "file": plan.source_name, **plan.counts.as_dict(),
            "new_grids": list(plan.new_grids), "new_buildings": list(plan.new_buildings)}


def _silent(_stage: str, _done: int, _total: int) -> None:
    return None
