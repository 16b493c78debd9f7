"""Plain, frozen records that services return to the UI, reports and CLI (never ORM objects)."""

from .ledger import HouseholdDraft, HouseholdRecord, PersonDraft, PersonRecord, SaveResult, Warning
from .places import BuildingRecord, CommunityRecord, GridRecord
from .users import LoginResult, UserRecord

__all__ = [
    "BuildingRecord", "CommunityRecord", "GridRecord", "HouseholdDraft", "HouseholdRecord",
    "LoginResult", "PersonDraft", "PersonRecord", "SaveResult", "UserRecord", "Warning",
]
