"""Admin command line (typer): the composition root that turns settings into a database and services.

Screens are imported only inside `run`, so `station backup` and friends stay light.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli_context import (
    STATE,
    database,
    err,
    out,
    progress_bar,
    safe_url,
    settings,
    shown,
    unit_of_work,
)
from station.errors import StationError

app = typer.Typer(help="社区服务站 station:住户台账、重点人群、走访与诉求", no_args_is_help=False,
                  add_completion=False, pretty_exceptions_enable=False)
user_app = typer.Typer(help="用户管理")
app.add_typer(user_app, name="user")
secret_app = typer.Typer(help="数据库密码(存入系统密钥环)")
app.add_typer(secret_app, name="secret")
@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    config: Annotated[Path | None, typer.Option("--config", "-c", help="配置文件 station.toml 的路径")] = None,
) -> None:
    STATE["config"] = config
    if ctx.invoked_subcommand is None:
        ctx.invoke(run)


@app.command()
def init() -> None:
    """创建或升级数据库(不会询问任何问题)。"""
    from station.migrate import current_revision

    db = database()
    out.print(f"[green]数据库已就绪[/green] 版本 {current_revision(db.engine)}:{safe_url(db)}")
    out.print("下一步:station user add 用户名 --name 姓名 --role admin 创建管理员")
    db.dispose()


@app.command()
def run() -> None:
    """启动柜台界面(默认命令)。"""
    from screens.app import run_app  # noqa: PLC0415 - the TUI loads only for this command

    # The login screen shows at once; the database opens (and migrates) behind it.
    run_app(settings=settings(), open_db=database)


@app.command()
def doctor() -> None:
    """检查配置、数据库、密钥环和中文字体。"""
    from station.doctor import run_checks

    ok = True
    for check in run_checks(STATE["config"]):  # type: ignore[arg-type]
        colour = {"ok": "green", "warn": "yellow", "fail": "red"}[check.status]
        out.print(f"[{colour}]{check.status.upper():4}[/{colour}] {check.name}: {shown(check.detail)}")
        ok = ok and check.status != "fail"
    raise typer.Exit(0 if ok else 1)


@app.command()
def demo(
    households: Annotated[int, typer.Option("--households", "-n", min=1, help="户数")] = 500,
    seed: Annotated[int, typer.Option("--seed", help="随机种子(相同种子生成相同数据)")] = 1,
) -> None:
    """生成演示社区:网格、楼栋、住户、重点人群、十二个月的走访与诉求。"""
    from station.demo.community import generate

    db = database()
    with progress_bar() as update:
        summary = generate(db, households=households, seed=seed,
                           progress=lambda done, total: update("生成演示数据", done, total))
    out.print(f"[green]完成[/green]:{summary.describe()}")
    db.dispose()


@app.command()
def stats(as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False) -> None:
    """统计:网格、楼栋、住户、人员、重点人群、走访、诉求的数量。"""
    from station.stats.figures import overview

    with unit_of_work() as uow:
        figures = overview(uow).as_dict()
    if as_json:
        sys.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    table = Table("项目", "数量")
    labels = _stat_labels()
    for key, value in _flatten(figures):
        table.add_row(shown(labels.get(key, key)), str(value))
    out.print(table)


@user_app.command("add")
def user_add(
    username: str,
    name: Annotated[str, typer.Option("--name", help="姓名")],
    role: Annotated[str, typer.Option("--role", help="角色,代码或中文名:admin 系统管理员 / street 街道管理员 / "
                                                  "director 站长 / staff 工作人员 / clerk 窗口人员 / "
                                                  "grid_worker 网格员")],
    community: Annotated[str | None, typer.Option("--community", help="社区编号(默认本站社区)")] = None,
    grid: Annotated[list[str] | None, typer.Option("--grid", help="网格编号(网格员可多次指定)")] = None,
    phone: Annotated[str, typer.Option("--phone", help="联系电话")] = "",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="从标准输入读取密码")] = False,
) -> None:
    """添加用户(密码从提示输入,或 --password-stdin)。"""
    from station.accounts import users
    from station.permissions import role_code

    role = role_code(role)  # before the password is asked: a typo is said at once
    password = _read_password(password_stdin)
    with unit_of_work() as uow:
        community_id = _community_id(uow, community, role)
        grid_ids = _grid_ids(uow, grid or [], community_id)
        record = users.add_user(uow, username, name, role, password, community_id=community_id,
                                grid_ids=grid_ids, phone=phone)
    out.print(f"[green]已添加用户[/green] {shown(record.username)}({record.role_name})")


@user_app.command("list")
def user_list() -> None:
    """列出用户。"""
    from station.accounts import users
    from station.places.directory import list_grids

    with unit_of_work() as uow:
        records = users.list_users(uow)
        grid_names = {grid.id: grid.name for grid in list_grids(uow)}
    table = Table("用户名", "姓名", "角色", "网格", "状态")
    for record in records:
        grids = "、".join(grid_names.get(grid_id, str(grid_id)) for grid_id in record.grid_ids)
        table.add_row(shown(record.username), shown(record.display_name), record.role_name,
                      shown(grids) or "—", "停用" if record.disabled else "正常")
    out.print(table)


@user_app.command("disable")
def user_disable(
    username: str,
    enable: Annotated[bool, typer.Option("--enable", help="重新启用")] = False,
) -> None:
    """停用(或 --enable 启用)用户。"""
    from station.accounts import users

    with unit_of_work() as uow:
        users.disable_user(uow, username, disabled=not enable)
    out.print(f"[green]用户 {shown(username)} 已{'启用' if enable else '停用'}[/green]")


@user_app.command("passwd")
def user_passwd(
    username: str,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="从标准输入读取密码")] = False,
) -> None:
    """重设用户密码。"""
    from station.accounts import users

    password = _read_password(password_stdin)
    with unit_of_work() as uow:
        users.set_password(uow, username, password)
    out.print(f"[green]已重设 {shown(username)} 的密码[/green]")


@secret_app.command("set")
def secret_set(
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="从标准输入读取密码")] = False,
) -> None:
    """把 PostgreSQL 密码存入系统密钥环(服务名 station)。"""
    from sqlalchemy.engine import make_url

    from station.secrets import account_for, store_database_password

    url = make_url(settings().database.url)
    if url.get_backend_name() != "postgresql":
        raise StationError("cli.sqlite_needs_no_password")
    password = _read_password(password_stdin, confirm=False)
    source = store_database_password(account_for(url.username or "", url.host or ""), password)
    out.print(f"[green]已存入密钥环[/green]({source.detail})")


def _read_password(from_stdin: bool, *, confirm: bool = True) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    while True:
        password = typer.prompt("密码", hide_input=True)
        if not confirm or password == typer.prompt("再次输入密码", hide_input=True):
            return password
        err.print("[red]两次输入的密码不一致,请重新输入[/red]")


def _grid_ids(uow, codes: list[str], community_id: int | None) -> list[int]:
    from station.places import directory as places

    if codes and community_id is None:
        raise StationError("cli.street_account_no_grid")
    return [places.find_grid(uow, code, community_id).id for code in codes] if community_id else []


def _community_id(uow, code: str | None, role: str) -> int | None:
    from station.permissions import STREET_ROLES
    from station.places import directory as places

    if role in STREET_ROLES:
        return None
    return places.community_by_code(uow, code or uow.settings.station.community_code).id



def _stat_labels() -> dict[str, str]:
    """Chinese names for the overview's keys (the JSON keeps the stable English keys)."""
    from station.requests.rules import STATES, state_name

    labels = {"grids": "网格", "buildings": "楼栋", "households": "在住户数", "persons": "现住人员",
              "visits_done": "已完成走访"}
    labels |= {f"registers.{code}": f"重点人群·{name}"
               for code, name in settings().registers.categories.items()}
    labels |= {f"requests.{code}": f"诉求·{state_name(code)}" for code in STATES}
    return labels


def _flatten(figures: dict, prefix: str = "") -> Iterator[tuple[str, object]]:
    for key, value in figures.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value



def main() -> None:
    """Entry point: expected problems print a Chinese message on stderr and exit non-zero."""
    if hasattr(os, "umask"):
        # Whatever this process creates (database, -wal, backups, reports, logs, pg_dump's file)
        # is the station user's alone; Windows profile folders get this from their ACLs.
        os.umask(0o077)
    try:
        app()
    except Exception as error:  # noqa: BLE001 - no traceback ever reaches the person at the keyboard
        sys.exit(_report_failure(error))


def _report_failure(error: Exception) -> int:
    """One line on stderr: what went wrong and that nothing was saved; 1 expected, 2 unexpected."""
    from rich.text import Text

    from station.failures import explain
    from station.masking import mask_text
    from station.text_rules import visible

    known = explain(error)
    if known is not None:
        language = _language()
        err.print(Text.assemble((f"{known.render_title(language)}:", "red"), visible(known.render(language))))
        return 1
    err.print(Text.assemble(("系统错误:", "red"), visible(f"{type(error).__name__}: {mask_text(str(error))[:300]}")))
    return 2


def _language() -> str:
    """The configured language for a message, or Chinese when the settings themselves fail."""
    try:
        return settings().station.language
    except Exception:  # noqa: BLE001 - a broken station.toml is itself being reported
        return "zh"


def _register_command_groups() -> None:
    """Command groups live in their own modules so this file stays the composition root."""
    import cli_check
    import cli_data
    import cli_import
    import cli_reports

    cli_check.register(app)
    cli_data.register(app)
    cli_import.register(app)
    cli_reports.register(app)


_register_command_groups()

if __name__ == "__main__":
    main()
