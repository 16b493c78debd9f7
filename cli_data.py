"""`station export`, `station backup` and `station restore`: data leaving and coming back.

Wired into cli.py with `register(app)`. Exports act for this station's own community (the
system actor narrowed to it). `restore` opens the database without migrating or backing it up
first, so it also works when the live database no longer opens.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli_context import cli_actor, community_unit_of_work, progress_bar, settings, unit_of_work
from cli_context import out as console

KINDS_HELP = "households(住户)|persons(人员台账)|registers(重点人群)|visits(走访)|requests(诉求)"


def register(app: typer.Typer) -> None:
    """Add `export`, `backup` and `restore` to the main app."""
    app.command("export")(export)
    app.command("backup")(backup)
    app.command("restore")(restore)
    app.command("backup-key")(backup_key)


def export(
    kind: Annotated[str, typer.Argument(help=KINDS_HELP)],
    out: Annotated[Path, typer.Argument(help="输出文件,如 persons.xlsx")],
    grid: Annotated[str | None, typer.Option("--grid", help="只导出一个网格(网格编号)")] = None,
    unmasked: Annotated[bool, typer.Option("--unmasked", help="不脱敏(需相应权限和原因)")] = False,
    reason: Annotated[str, typer.Option("--reason", help="导出原因(不脱敏时必填)")] = "",
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的输出文件")] = False,
) -> None:
    """导出数据到 Excel:默认身份证号、电话脱敏;每次导出都记入审计日志。"""
    from reports.workbooks.export import write_table
    from station.exports.workbook import export_table
    from station.output_files import check_output, output_file

    if unmasked and not reason.strip():
        reason = typer.prompt("导出未脱敏数据的原因")
    with community_unit_of_work() as uow:
        target = check_output(out, uow.settings, force=force)  # refused before anything is audited
        table = export_table(uow, kind, grid_code=grid, unmasked=unmasked, reason=reason,
                             destination=str(target))
        with progress_bar(transient=True) as update, \
                output_file(target, uow.settings, force=force) as partial:
            written = write_table(partial, table, progress=lambda done, of: update(f"导出{table.title}", done, of))
    masking = "未脱敏" if unmasked else "已脱敏"
    console.print(f"[green]已导出[/green] {table.title} {written} 行({masking})→ {target}")


def backup(
    folder: Annotated[Path | None, typer.Option("--out", help="备份到此目录(默认配置的备份目录)")] = None,
) -> None:
    """备份数据库:在线一致性副本,校验后写入清单(行数、版本、sha256);保留配置的份数。"""
    from station.backup.make import run_backup

    with unit_of_work(daily_backup=False) as uow:
        made = run_backup(uow, folder=folder.resolve() if folder else None)
    manifest = made.manifest
    console.print(f"[green]备份完成[/green] {made.path}")
    console.print(f"  {manifest.size / 1048576:.1f} MB,{manifest.total_rows()} 行,"
              f"数据库版本 {manifest.schema_revision},sha256 {manifest.sha256[:16]}…")


def restore(
    file: Annotated[Path, typer.Argument(help="备份文件(.db / .dump,或其 .manifest.json)")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="不再询问确认")] = False,
    key: Annotated[str | None, typer.Option("--key", help="本站备份签名密钥(新电脑上恢复时输入)")] = None,
) -> None:
    """从备份恢复数据库:先校验备份,再备份当前数据库,然后整体替换(旧版本备份会自动升级)。"""
    from station.backup.restore import restore_backup
    from station.backup.seal import parse_key
    from station.db import Database, database_url, make_engine

    config = settings()
    db = Database(make_engine(database_url(config)[0]), config)
    try:
        result = restore_backup(db, cli_actor(), file.resolve(), confirm=lambda m: yes or _confirm(m),
                                key=parse_key(key) if key else None)
    finally:
        db.dispose()
    if result is None:
        console.print("已取消,数据库未改动")
        return
    console.print(f"[green]已恢复[/green] {result.backup.name}(备份于 {result.manifest.created_at})")
    if result.safety_backup:
        console.print(f"  恢复前的数据库已备份到 {result.safety_backup}")
    if result.upgraded:
        console.print("  备份来自旧版本,已升级到当前数据库版本")


def backup_key() -> None:
    """显示本站备份签名密钥:请抄写在纸质档案中;电脑损坏后,在新电脑上恢复备份需要它。"""
    from station.backup.seal import shown_key

    with unit_of_work(daily_backup=False) as uow:
        key = shown_key(uow)
    console.print(f"本站备份签名密钥:[bold]{key}[/bold]")
    console.print("请抄写并妥善保管(不要和备份放在一起);新电脑上恢复:station restore 备份文件 --key 密钥")


def _confirm(manifest) -> bool:

    console.print(f"备份时间 {manifest.created_at},{manifest.counts.get('persons', 0)} 人,"
              f"{manifest.counts.get('households', 0)} 户,数据库版本 {manifest.schema_revision}")
    return typer.confirm("当前数据库将被替换(替换前会先自动备份),确定恢复吗?", default=False)

