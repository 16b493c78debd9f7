"""The street's roll-up report's records: street_month with the letterhead and code names."""

from __future__ import annotations

from station import codes
from station.audit_chain import chain_anchor
from station.db import job_page_cache
from station.permissions import require
from station.printing.common import letterhead
from station.printing.records import StreetReport
from station.requests.rules import SATISFACTIONS
from station.stats.street import street_month
from station.uow import UnitOfWork
from station.visits.log import VISIT_KINDS


def street_report(uow: UnitOfWork, year: int, month: int) -> StreetReport:
    """街道各社区月度统计汇总表 for a street account (refused for a community's accounts)."""
    require(uow.actor, "reports.print")
    head = letterhead(uow)  # printed at this station
    with job_page_cache(uow.session):
        rolled_up = street_month(uow, year, month)
    return StreetReport(
        letterhead=head, street_name=head.street or "", month=rolled_up,
        population_names=dict(codes.POPULATION_TYPES), visit_kind_names=dict(VISIT_KINDS),
        satisfaction_names=dict(SATISFACTIONS), audit=chain_anchor(uow.session.connection()),
    )
