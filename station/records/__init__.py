"""Plain, frozen records that services return to the UI, reports and CLI (never ORM objects)."""

from .ledger import HouseholdDraft, HouseholdRecord, PersonDraft, PersonRecord, SaveResult, Warning
from .needs import CandidateRecord, RegisterEntryRecord
from .places import BuildingRecord, CommunityRecord, GridRecord
from .requests import RequestDetail, RequestEventRecord, RequestRecord
from .search import SearchHit
from .users import LoginResult, UserRecord
from .visits import DueVisitRecord, VisitRecord

__all__ = [
    "BuildingRecord", "CandidateRecord", "CommunityRecord", "DueVisitRecord", "GridRecord",
    "HouseholdDraft", "HouseholdRecord", "LoginResult", "PersonDraft", "PersonRecord",
    "RegisterEntryRecord", "RequestDetail", "RequestEventRecord", "RequestRecord", "SaveResult",
    "SearchHit", "UserRecord", "VisitRecord", "Warning",
]
