"""Persistence: SQLAlchemy models only. Business rules live in station/."""

from .audit import AuditEntry
from .base import Base
from .households import Household, Membership
from .month_locks import MonthLock
from .needs import RegisterEntry
from .persons import Person, SearchEntry
from .places import Building, Community, Counter, Grid, Unit
from .requests import RequestEvent, ResidentRequest
from .users import LoginFailure, User, UserGrid
from .visits import Visit

__all__ = [
    "AuditEntry", "Base", "Building", "Community", "Counter", "Grid", "Household",
    "LoginFailure", "Membership", "MonthLock", "Person", "RegisterEntry", "RequestEvent",
    "ResidentRequest", "SearchEntry", "Unit", "User", "UserGrid", "Visit",
]
