"""`station doctor`: check config, database, keyring and fonts, each with a plain verdict."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from station.errors import StationError
from station.messages import DEFAULT_LANGUAGE, message

T = TypeVar("T")


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # ok | warn | fail
    detail: str


def checked(name: str, status: str, language: str, detail: str, /, **params: object) -> Check:
    """A check named `doctor.name.<name>`, its detail the words `doctor.<detail>` with `params`."""
    return Check(message(f"doctor.name.{name}", language), status, message(f"doctor.{detail}", language, **params))


def run_checks(config_path: str | Path | None, language: str = DEFAULT_LANGUAGE,
               unlock: Callable[[Path], bytes | None] | None = None) -> list[Check]:
    """Run every check, said in `language`; a failing one does not stop the others.

    An encrypted database is checked inside only when `unlock(file)` gives its data key (the
    CLI asks for a login when a user is named); otherwise doctor says it is encrypted."""
    from station.config import load_settings

    try:
        settings = load_settings(config_path)
    except StationError as error:
        return [checked("config", "fail", language, "as_is", text=error.render(language))]
    checks = [checked("config", "ok", language, "as_is", text=settings.source)]
    checks.append(_keyring_check(language))
    checks.extend(_database_checks(settings, language, unlock))
    checks.append(_file_mode_check(settings, language))
    checks.append(font_check(settings, language))
    return checks


def _keyring_check(language: str) -> Check:
    from station.secrets import ENV_VAR, keyring_backend

    source = keyring_backend()
    if source.kind == "keyring":
        return checked("keyring", "ok", language, "as_is", text=source.detail)
    return checked("keyring", "warn", language, "keyring.missing", detail=source.detail, env_var=ENV_VAR)


def _database_checks(settings, language: str, unlock: Callable[[Path], bytes | None] | None) -> list[Check]:
    from sqlalchemy import text

    from station.db import database_url, make_engine
    from station.migrate import current_revision, head_revision
    from station.vault import is_encrypted

    url, source = database_url(settings)
    checks = []
    if source is not None:
        checks.append(checked("password", "ok" if source.kind != "none" else "warn", language,
                              f"password.{source.kind}", detail=source.detail))
    data_key = None
    if url.get_backend_name() == "sqlite" and is_encrypted(Path(str(url.database))):
        data_key = unlock(Path(str(url.database))) if unlock is not None else None
        if data_key is None:
            return [*checks, checked("database", "ok", language, "database.encrypted_locked",
                                     url=url.render_as_string(hide_password=True))]
    engine = make_engine(url, data_key=data_key)
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
            tls = tls_in_use(connection) if engine.dialect.name == "postgresql" else None
        revision, head = current_revision(engine), head_revision()
    except Exception as error:  # noqa: BLE001 - doctor reports whatever went wrong
        return [*checks, checked("database", "fail", language, "database.unreachable",
                                 url=url.render_as_string(hide_password=True), error=error)]
    finally:
        engine.dispose()
    checks.append(checked("database", "ok", language, "as_is", text=url.render_as_string(hide_password=True)))
    if url.get_backend_name() == "sqlite":
        checks.append(checked("encryption", "ok" if data_key is not None else "warn", language,
                              "encryption.on" if data_key is not None else "encryption.off"))
    if tls is not None:
        checks.append(tls_check(url.host or "", tls, language))
    checks.append(_revision_check(revision, head, language))
    if revision is not None:
        checks.append(audit_guard_check(engine, language))
    if revision is not None and revision == head:
        checks.append(audit_chain_check(engine, language))
        checks.append(ledger_rules_check(engine, settings, language))
    return checks


def tls_in_use(connection) -> bool:
    """Whether this PostgreSQL session is encrypted (TLS), as the server sees it."""
    from sqlalchemy import text

    return bool(connection.execute(text("select ssl from pg_stat_ssl where pid = pg_backend_pid()")).scalar())


def tls_check(host: str, tls: bool, language: str = DEFAULT_LANGUAGE) -> Check:
    """TLS to the server: required in all but name when residents' data crosses a network."""
    if tls:
        return checked("tls", "ok", language, "tls.on")
    if is_local_host(host):
        return checked("tls", "ok", language, "tls.local")
    return checked("tls", "warn", language, "tls.off", host=host)


def is_local_host(host: str) -> bool:
    """A server on this PC: loopback or a unix socket (no host, or a socket folder)."""
    return host in ("", "localhost", "::1") or host.startswith(("127.", "/"))


def _revision_check(revision: str | None, head: str | None, language: str) -> Check:
    if revision is None:
        return checked("revision", "warn", language, "revision.empty", head=head)
    if revision == head:
        return checked("revision", "ok", language, "revision.latest", revision=revision)
    return checked("revision", "warn", language, "revision.behind", revision=revision, head=head)


def audit_guard_check(engine, language: str = DEFAULT_LANGUAGE) -> Check:
    from station.audit_guard import broken_guards

    def verdict(broken: list[str]) -> Check:
        if broken:
            return checked("audit_guard", "fail", language, "audit_guard.broken",
                           guards=message("doctor.separator", language).join(broken))
        return checked("audit_guard", "ok", language, "audit_guard.ok")

    return _reading(engine, "audit_guard", language, lambda: _connected(engine, broken_guards), verdict)


def audit_chain_check(engine, language: str = DEFAULT_LANGUAGE) -> Check:
    """Whether every audit row still follows from the one before (the whole chain, read once)."""
    from station.audit_chain import ChainCheck, grouped, verify_chain

    def verdict(result: ChainCheck) -> Check:
        if not result.ok:
            return checked("audit_chain", "fail", language, f"audit_chain.broken_{result.problem}",
                           row=result.broken_at)
        return checked("audit_chain", "ok", language, "audit_chain.ok", rows=result.rows,
                       head=grouped(result.head)[:19])

    return _reading(engine, "audit_chain", language, lambda: _connected(engine, verify_chain), verdict)


def ledger_rules_check(engine, settings, language: str = DEFAULT_LANGUAGE) -> Check:
    """`station check`'s rules in one line: which are broken and in how many households."""
    from station.actor import SYSTEM
    from station.db import Database
    from station.ledger.check import check_ledger
    from station.ledger.check_records import LedgerCheck
    from station.uow import UnitOfWork

    def read() -> LedgerCheck:
        with UnitOfWork(Database(engine, settings), SYSTEM) as uow:
            return check_ledger(uow, examples=0)

    def verdict(result: LedgerCheck) -> Check:
        if result.ok:
            return checked("ledger_rules", "ok", language, "ledger_rules.ok", count=len(result.rules))
        broken = message("doctor.separator", language).join(
            message("doctor.ledger_rules.rule", language, reason=rule.reason, households=rule.households)
            for rule in result.broken)
        return checked("ledger_rules", "warn", language, "ledger_rules.broken", rules=broken)

    return _reading(engine, "ledger_rules", language, read, verdict)


def _reading(engine, name: str, language: str, read: Callable[[], T], verdict: Callable[[T], Check]) -> Check:
    """`verdict` on what `read()` found; whatever goes wrong reading is the check's failure. The
    engine is let go afterwards (doctor holds no connection between checks)."""
    try:
        found = read()
    except Exception as error:  # noqa: BLE001 - doctor reports whatever went wrong
        return checked(name, "fail", language, "unchecked", error=error)
    finally:
        engine.dispose()
    return verdict(found)


def _connected(engine, read: Callable[[Any], T]) -> T:
    with engine.connect() as connection:
        return read(connection)


def _file_mode_check(settings, language: str) -> Check:
    """Residents' data on disk (database, backups, reports) must be the station user's alone."""
    from station.disk import is_private
    from station.output_files import database_files

    places = [path for path in database_files(settings) if path.exists()]
    places += [path.parent for path in places[:1]]
    for folder in (settings.resolve(settings.backup.folder), settings.resolve(settings.reports.folder)):
        if folder.is_dir():
            places += [folder, *(path for path in folder.iterdir() if path.is_file())]
    open_to_others = [str(path) for path in places if not is_private(path)]
    if not open_to_others:
        return checked("file_modes", "ok", language, "file_modes.ok")
    shown = message("doctor.separator", language).join(open_to_others[:5])
    if len(open_to_others) > 5:
        shown = message("doctor.file_modes.and_more", language, shown=shown, count=len(open_to_others))
    return checked("file_modes", "warn", language, "file_modes.open", shown=shown)


def font_check(settings, language: str = DEFAULT_LANGUAGE) -> Check:
    """Whether a CJK TrueType font is there to embed in printouts."""
    from station.printing.fonts import find_cjk_font, has_truetype_outlines

    font = find_cjk_font(settings.reports.font)
    hint = message("doctor.font.hint", language)
    if font is not None and not has_truetype_outlines(font):
        return checked("font", "fail", language, "font.not_truetype", font=font, hint=hint)
    if font is not None:
        return checked("font", "ok", language, "font.ok", font=font)
    if settings.reports.font:
        return checked("font", "fail", language, "font.missing", font=settings.reports.font, hint=hint)
    return checked("font", "warn", language, "font.none", hint=hint)
