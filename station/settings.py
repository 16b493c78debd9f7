"""Typed settings read from station.toml; every option has a default and a one-line meaning."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_REQUEST_CATEGORIES = {
    "property": "物业维修",
    "environment": "环境卫生",
    "safety": "治安安全",
    "dispute": "邻里纠纷",
    "assistance": "社会救助",
    "elderly": "养老服务",
    "health": "医疗卫生",
    "policy": "政策咨询",
    "other": "其他",
}

# Hours from receipt to deadline per urgency (a common local rule; Beijing 12345 is similar).
DEFAULT_DEADLINE_HOURS = {"urgent": 2, "normal": 168, "enquiry": 24}

DEFAULT_REGISTER_CATEGORIES = {
    "elderly_alone": "独居老人",
    "empty_nest": "空巢老人",
    "oldest_old": "高龄老人",
    "disabled": "残疾人",
    "dibao_urban": "城市低保",
    "dibao_rural": "农村低保",
    "tekun_central": "特困(集中供养)",
    "tekun_scattered": "特困(分散供养)",
    "dibao_edge": "低保边缘",
    "left_behind_child": "留守儿童",
    "child_in_difficulty": "困境儿童",
    "entitled": "优抚对象",
}

# Days between required visits per register category.
DEFAULT_VISIT_EVERY_DAYS = {
    "elderly_alone": 7,
    "empty_nest": 30,
    "oldest_old": 30,
    "disabled": 30,
    "dibao_urban": 90,
    "dibao_rural": 90,
    "tekun_central": 90,
    "tekun_scattered": 30,
    "dibao_edge": 90,
    "left_behind_child": 30,
    "child_in_difficulty": 14,
    "entitled": 90,
}


@dataclass(frozen=True)
class StationSettings:
    name: str = "社区服务站"
    """Station name printed on receipts and reports."""
    community: str = "示范社区"
    """Community (社区) name; the community row is created with it on first run."""
    community_code: str = "C001"
    """Short code of this station's community (unique within a shared database)."""
    street: str = ""
    """Street (街道) the community belongs to."""
    phone: str = ""
    """Contact phone printed on request receipts."""
    language: str = "zh"
    """UI language: zh (default) or en."""
    idle_lock_minutes: int = 10
    """Minutes without a key press before the lock screen hides everything."""


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = "sqlite:///data/station.db"
    """SQLAlchemy URL; a relative SQLite path is resolved against the config file's folder.
    Passwords never go here: they come from keyring or $STATION_DATABASE_PASSWORD."""
    sslmode: str = ""
    """PostgreSQL only: TLS to the server (libpq's sslmode: require, verify-ca, verify-full...);
    empty: libpq's default. A street's server reached over the network wants verify-full."""
    sslrootcert: str = ""
    """PostgreSQL only: the certificate of the authority that signed the server's (relative to
    the config file's folder), for sslmode verify-ca / verify-full."""


@dataclass(frozen=True)
class BackupSettings:
    folder: str = "data/backups"
    """Where backups are written (relative to the config file's folder)."""
    keep: int = 14
    """How many backups to keep; older ones are deleted after a successful backup."""


@dataclass(frozen=True)
class RetentionSettings:
    years: int = 3
    """Years after moving out or death before a person's data is de-identified (PIPL Art. 19, 47)."""


@dataclass(frozen=True)
class RequestSettings:
    categories: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_REQUEST_CATEGORIES))
    """Request categories: code = name."""
    deadline_hours: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_DEADLINE_HOURS))
    """Hours to the deadline per urgency (urgent, normal, enquiry)."""
    category_deadline_hours: dict[str, dict[str, int]] = field(default_factory=dict)
    """Per-category overrides: [requests.category_deadline_hours.CODE] urgency = hours."""
    at_risk_ratio: float = 0.75
    """Share of the time limit after which an open request is 'at risk' (临期)."""


@dataclass(frozen=True)
class RegisterSettings:
    categories: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_REGISTER_CATEGORIES))
    """Register categories: code = name; add local ones here."""
    visit_every_days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_VISIT_EVERY_DAYS))
    """Required days between visits per category."""
    dibao_edge_multiplier: float = 1.5
    """低保边缘: income up to this multiple of the local 低保 standard."""


@dataclass(frozen=True)
class ReportSettings:
    font: str = ""
    """Path of a CJK TrueType font to embed; empty = search the system."""
    folder: str = "data/reports"
    """Where printed files are written."""


@dataclass(frozen=True)
class Settings:
    station: StationSettings = field(default_factory=StationSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    backup: BackupSettings = field(default_factory=BackupSettings)
    retention: RetentionSettings = field(default_factory=RetentionSettings)
    requests: RequestSettings = field(default_factory=RequestSettings)
    registers: RegisterSettings = field(default_factory=RegisterSettings)
    reports: ReportSettings = field(default_factory=ReportSettings)
    keymap: dict[str, str] = field(default_factory=dict)
    """Key remapping: binding id = keys (read by the TUI)."""
    base_dir: Path = field(default_factory=Path.cwd)
    """Folder of the config file; relative paths are resolved against it (not a file key)."""
    source: str = "(defaults)"
    """Where these settings came from (not a file key)."""

    def resolve(self, relative: str) -> Path:
        """Return a configured path, resolved against the config file's folder."""
        path = Path(relative).expanduser()
        return path if path.is_absolute() else self.base_dir / path

    def deadline_hours(self, category: str, urgency: str) -> int:
        """Hours allowed for a request of this category and urgency."""
        override = self.requests.category_deadline_hours.get(category, {})
        return override.get(urgency, self.requests.deadline_hours[urgency])

    def visit_every_days(self, category: str) -> int:
        """Required days between visits for a register category."""
        return self.registers.visit_every_days.get(category, 30)
