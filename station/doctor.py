"""`station doctor`: check config, database, keyring and fonts, each with a plain verdict."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from station.errors import StationError


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # ok | warn | fail
    detail: str


def run_checks(config_path: str | Path | None) -> list[Check]:
    """Run every check; a failing one does not stop the others."""
    from station.config import load_settings

    try:
        settings = load_settings(config_path)
    except StationError as error:
        return [Check("配置", "fail", error.message)]
    checks = [Check("配置", "ok", settings.source)]
    checks.append(_keyring_check())
    checks.extend(_database_checks(settings))
    checks.append(_file_mode_check(settings))
    checks.append(font_check(settings))
    return checks


def _keyring_check() -> Check:
    from station.secrets import ENV_VAR, keyring_backend

    source = keyring_backend()
    if source.kind == "keyring":
        return Check("密钥环", "ok", source.detail)
    return Check("密钥环", "warn", f"{source.detail};数据库密码将使用环境变量 {ENV_VAR}")


def _database_checks(settings) -> list[Check]:
    from sqlalchemy import text

    from station.db import database_url, make_engine
    from station.migrate import current_revision, head_revision

    url, source = database_url(settings)
    checks = []
    if source is not None:
        where = {"keyring": "系统密钥环", "environment": "环境变量", "none": "未找到"}[source.kind]
        checks.append(Check("数据库密码", "ok" if source.kind != "none" else "warn", f"{where}({source.detail})"))
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        revision, head = current_revision(engine), head_revision()
    except Exception as error:  # noqa: BLE001 - doctor reports whatever went wrong
        return [*checks, Check("数据库", "fail", f"{url.render_as_string(hide_password=True)}: {error}")]
    finally:
        engine.dispose()
    shown = url.render_as_string(hide_password=True)
    checks.append(Check("数据库", "ok", shown))
    state = "ok" if revision == head else "warn"
    note = "最新" if revision == head else f"需要升级到 {head}(运行 station init)"
    checks.append(Check("数据库版本", state, f"{revision or '空库'},{note}"))
    if revision is not None:
        checks.append(audit_guard_check(engine))
    if revision is not None and revision == head:
        checks.append(ledger_rules_check(engine, settings))
    return checks


def audit_guard_check(engine) -> Check:
    from station.audit_guard import broken_guards

    try:
        with engine.connect() as connection:
            broken = broken_guards(connection)
    except Exception as error:  # noqa: BLE001 - doctor reports whatever went wrong
        return Check("审计日志保护", "fail", f"无法检查:{error}")
    finally:
        engine.dispose()
    if broken:
        return Check("审计日志保护", "fail",
                     f"触发器缺失、被改动或被停用:{'、'.join(broken)};运行 station init 恢复(恢复会记入审计日志)")
    return Check("审计日志保护", "ok", "数据库拒绝修改、删除或替换审计记录")


def ledger_rules_check(engine, settings) -> Check:
    """`station check`'s rules in one line: which are broken and in how many households."""
    from station.actor import SYSTEM
    from station.db import Database
    from station.ledger.check import check_ledger
    from station.uow import UnitOfWork

    try:
        with UnitOfWork(Database(engine, settings), SYSTEM) as uow:
            result = check_ledger(uow, examples=0)
    except Exception as error:  # noqa: BLE001 - doctor reports whatever went wrong
        return Check("台账规则", "fail", f"无法检查:{error}")
    finally:
        engine.dispose()
    if result.ok:
        return Check("台账规则", "ok", f"{len(result.rules)} 条规则全部符合(户主、成员关系、死亡迁出、索引、日期)")
    broken = "、".join(f"{rule.reason}({rule.households} 户)" for rule in result.broken)
    return Check("台账规则", "warn", f"{broken};运行 station check 按户号列出")


def _file_mode_check(settings) -> Check:
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
        return Check("文件权限", "ok", "数据库、备份和报表仅本用户可读")
    shown = "、".join(open_to_others[:5]) + (f" 等 {len(open_to_others)} 项" if len(open_to_others) > 5 else "")
    return Check("文件权限", "warn", f"其他用户可读:{shown};请执行 chmod 600(目录 chmod 700)")


def font_check(settings) -> Check:
    from station.printing.fonts import find_cjk_font, has_truetype_outlines

    font = find_cjk_font(settings.reports.font)
    hint = "在 station.toml 的 [reports] font 指定字体文件,或安装 fonts-wqy-microhei(Debian)"
    if font is not None and not has_truetype_outlines(font):
        return Check("中文字体", "fail", f"{font} 不是 TrueType 字体(CFF/OpenType 无法嵌入打印文件);{hint}")
    if font is not None:
        return Check("中文字体", "ok", f"{font}(打印时嵌入子集)")
    if settings.reports.font:
        return Check("中文字体", "fail", f"找不到配置的字体 {settings.reports.font};{hint}")
    return Check("中文字体", "warn", f"未找到中文 TrueType 字体,打印将无法显示中文;{hint}")
