"""Open the configured database: connect, back up and migrate when needed, seed the community.

Backups happen here too: before every migration of a database that holds data (a failed backup
stops the upgrade), and on the first start of each day (a failed one is logged, not fatal: the
counter must still open).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from station import audit
from station.accounts.login import COUNTER
from station.accounts.passwords import check_password_strength
from station.accounts.records import UserRecord
from station.accounts.unlocking import audit_unlock_failures, open_vault_counted
from station.accounts.users import create_first_admin
from station.actor import SYSTEM
from station.audit_chain import ChainCheck
from station.audit_guard import repair_guards
from station.audit_mark import check_since_mark
from station.backup.files import BackupFile, backup_folder, made_on, prune_backups
from station.backup.make import create_backup, record_backup, run_backup
from station.backup.restore_sqlite import remove_stale_staging
from station.backup.sqlite import live_sqlite_path
from station.db import Database, database_url, make_engine
from station.disk import make_private, private_folder
from station.errors import AuthError, ConfigError, DatabaseError, StationError, ValidationError
from station.migrate import ensure_schema
from station.output_files import database_files
from station.places.directory import ensure_community
from station.settings import Settings
from station.uow import UnitOfWork
from station.vault import Vault, create_vault, is_encrypted

log = logging.getLogger(__name__)


def open_database(settings: Settings, *, clock: Callable[[], datetime] = datetime.now,
                  daily_backup: bool = True, audit_check: bool = True, vault: Vault | None = None) -> Database:
    """Connect and bring the schema to the newest version; the community row exists afterwards.

    Without `audit_check` the caller walks the audit chain itself (check_audit_chain): the CLI
    does it after the login, so a command without one writes nothing. An encrypted station
    opens only with its `vault` (unlock_database); without one it is refused as locked."""
    url, _source = database_url(settings)
    file = sqlite_file(settings)
    if vault is None and file is not None and is_encrypted(file):
        raise AuthError("keys.database_locked")
    engine = make_engine(url, data_key=vault.data_key if vault is not None else None)
    if engine.dialect.name == "sqlite" and remove_stale_staging(live_sqlite_path(engine)):
        log.warning("已清理上次中断的恢复留下的临时文件")
    folder = backup_folder(settings)
    made: list[BackupFile] = []

    def backup_before_upgrade() -> Path:
        made.append(create_backup(engine, folder, label="pre-migration", now=clock()))
        prune_backups(folder, settings.backup.keep)
        return made[-1].path

    try:
        outcome = ensure_schema(engine, backup=backup_before_upgrade)
    except OperationalError as error:
        engine.dispose()
        raise DatabaseError("database.cannot_open", reason=error.orig) from error
    for path in database_files(settings):  # SQLite created them with the umask's mode
        if path.exists():
            make_private(path)
    database = Database(engine, settings, clock, vault=vault)
    with UnitOfWork(database, SYSTEM) as uow:
        ensure_community(uow, settings)
        _repair_audit_guards(uow)
        for backup in made:  # audited now: the audit table has the newest shape only after upgrading
            record_backup(uow, backup)
        uow.commit()
    if audit_check:
        check_audit_chain(database)
    if daily_backup and outcome != "created":
        back_up_once_a_day(database)
    return database


def sqlite_file(settings: Settings) -> Path | None:
    """The station's SQLite file, or None for PostgreSQL."""
    url, _source = database_url(settings)
    return Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None


def is_encrypted_station(settings: Settings) -> bool:
    """True when the station's database is an encrypted SQLite file (it has key slots)."""
    file = sqlite_file(settings)
    return file is not None and is_encrypted(file)


def unlock_database(settings: Settings, username: str, password: str, *, via: str = COUNTER,
                    **options) -> Database:
    """An encrypted station opened with a user's key slot (AuthError alike for an unknown user
    and a wrong password); the login proper follows in the database.

    The slot is tried under the login's lock-out rules (accounts.unlocking: a locked name is
    refused first, failures are counted beside the database, `via` says where they were typed),
    and the attempts refused before it opened move into its audit log."""
    file = sqlite_file(settings)
    if file is None:
        raise ConfigError("keys.postgresql_not_encrypted_here")
    now = options.get("clock", datetime.now)()
    database = open_database(settings, vault=open_vault_counted(file, username, password, now=now, via=via),
                             **options)
    try:
        with UnitOfWork(database, SYSTEM) as uow:
            audit_unlock_failures(uow)
    except BaseException:
        database.dispose()
        raise
    return database


def create_encrypted_station(settings: Settings, username: str, display_name: str,
                             password: str) -> tuple[Database, UserRecord, str]:
    """A new encrypted database with its first administrator; returns the open database, the
    administrator and the recovery key (shown once, never stored). Nothing is left behind when
    it fails."""
    file = sqlite_file(settings)
    if file is None:
        raise ConfigError("keys.postgresql_not_encrypted_here")
    if file.exists():
        raise ValidationError("keys.database_exists", path=file, field="database")
    check_password_strength(password, username)  # before a slot is made with it
    private_folder(file.parent)
    vault, recovery_key = create_vault(file, username, password)
    try:
        database = open_database(settings, vault=vault, daily_backup=False)
        with UnitOfWork(database, SYSTEM) as uow:
            admin = create_admin(uow, username, display_name, password)
    except BaseException:
        for leftover in (*(Path(f"{file}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")),
                         vault.slots_path):
            leftover.unlink(missing_ok=True)
        raise
    return database, admin, recovery_key


def _repair_audit_guards(uow: UnitOfWork) -> None:
    """Put back dropped or altered audit-log triggers; a database user who may not is told by doctor."""
    try:
        with uow.session.begin_nested():
            repaired = repair_guards(uow)
    except SQLAlchemyError as error:
        log.warning("审计日志保护触发器无法恢复(请以数据库所有者运行 station init):%s", error)
        return
    if repaired:
        log.warning("审计日志保护触发器缺失或被改动,已恢复:%s", "、".join(repaired))


def check_audit_chain(database: Database) -> ChainCheck | None:
    """Walk the audit rows added since the last start; a break is logged and itself audited (the
    log is still appended to: the break stays where it was found, and every start says so).
    What was found is kept on the database (`audit_check`) for the login to show."""
    try:
        result = check_since_mark(database.engine, database.settings)
    except SQLAlchemyError as error:
        log.warning("审计日志未能在启动时校验:%s", error)
        return None
    database.audit_check = result
    if not result.ok:
        log.error("审计日志被改动:第 %s 号记录(%s);请运行 station audit verify", result.broken_at, result.problem)
        with UnitOfWork(database, SYSTEM) as uow:
            audit.record(uow, "audit_chain_broken", "audit_log", result.broken_at,
                         new={"problem": result.problem, "rows_intact": result.rows},
                         detail=f"启动校验发现审计日志被改动:第 {result.broken_at} 号记录")
            uow.commit()
    return result


def daily_backup_due(database: Database) -> bool:
    """True for a SQLite station whose backups folder holds none from today. A shared PostgreSQL
    is backed up by the street on the server (README): no station dumps it at login."""
    return database.is_sqlite and not made_on(backup_folder(database.settings), database.clock().date())


def take_daily_backup(database: Database) -> BackupFile:
    """The day's automatic backup, audited as the system's; errors are the caller's to show."""
    with UnitOfWork(database, SYSTEM) as uow:
        return run_backup(uow, label="daily")


def back_up_once_a_day(database: Database) -> BackupFile | None:
    """Take the day's automatic backup when due; a failure is logged and work goes on."""
    if not daily_backup_due(database):
        return None
    try:
        return take_daily_backup(database)
    except (StationError, OSError) as error:
        log.warning("每日自动备份失败(程序照常运行,请检查备份目录和磁盘空间):%s", error)
        return None


def create_admin(uow: UnitOfWork, username: str, display_name: str, password: str) -> UserRecord:
    """The first administrator, in this station's community (created from station.toml if new)."""
    community_id = ensure_community(uow, uow.settings).id
    return create_first_admin(uow, username, display_name, password, community_id)
