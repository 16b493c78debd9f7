"""`station import` and `station template`: bring Excel ledgers in, all or nothing.

The commands compose the layers: reports checks and reads the workbook into plain rows, station
validates and writes them, reports writes the errors workbook back. `register(app)` adds them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from cli_context import out, progress_bar, settings, unit_of_work

SHOWN_ERRORS = 20


def register(app: typer.Typer) -> None:
    """Add the import and template commands to the main app."""
    app.command("import")(import_ledger)
    app.command("template")(template)


def import_ledger(
    file: Annotated[Path, typer.Argument(help="要导入的 .xlsx 台账")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查，不写入任何数据")] = False,
    mode: Annotated[str, typer.Option("--mode", help="insert 仅新增；upsert 已有人员则更新")] = "insert",
    errors: Annotated[Path | None, typer.Option("--errors", help="把带“错误原因”列的工作簿写到此文件")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="只导入这个工作表（默认读取每个含表头的表）")] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的错误工作簿")] = False,
) -> None:
    """导入 Excel 人口台账（任何一行有误则整批不写入）。"""
    from reports.excel_import.session import import_file, write_errors
    from station.output_files import check_output

    if errors is not None:  # a refused path is said before the file is read, not after
        check_output(errors, settings(), force=force)
    with progress_bar() as progress, unit_of_work() as uow:
        outcome = import_file(uow, file, mode=mode, dry_run=dry_run, sheet=sheet, progress=_named(progress))
    report = outcome.report
    if len(outcome.headers) > 1:
        out.print(f"读取了 {len(outcome.headers)} 个工作表：{'、'.join(outcome.headers)}", markup=False)
    _print_report(out, report)
    if report.errors and errors is not None:
        target, marked = write_errors(outcome, settings(), errors, force=force)
        out.print(f"已写出错误工作簿 {target}（标出 {marked} 行）")
    if report.errors:
        raise typer.Exit(1)


def template(
    out_file: Annotated[Path, typer.Argument(help="模板文件名，如 导入模板.xlsx")],
    force: Annotated[bool, typer.Option("--force", help="覆盖已有文件")] = False,
) -> None:
    """生成人口台账导入模板（身份证号码列为文本格式，关系、民族、人口类型带下拉列表）。"""
    from reports.workbooks.import_template import write_template
    from station.output_files import write_output

    target = write_output(out_file, settings(), write_template, force=force)
    out.print(f"[green]已生成导入模板[/green] {target}")



def _named(progress: Callable[[str, int, int], None]) -> Callable[[str, int, int], None]:
    """The import's stages (codes) shown by their names on the progress bar."""
    from station.messages import message

    return lambda stage, done, total: progress(message(f"imports.stage.{stage}"), done, total)


def _print_report(out, report) -> None:
    if report.written:
        out.print(f"[green]导入完成[/green]（{report.seconds} 秒）：{report.describe()}")
    elif report.errors:
        out.print(f"[red]未导入任何数据[/red]：{report.describe()}")
    else:
        out.print(f"[yellow]试运行，未写入[/yellow]：{report.describe()}")
    language = settings().station.language
    for error in report.errors[:SHOWN_ERRORS]:
        out.print(f"  {error.describe(language)}", markup=False)
    if len(report.errors) > SHOWN_ERRORS:
        out.print(f"  ……共 {len(report.errors)} 条问题；用 --errors 文件.xlsx 查看全部")
