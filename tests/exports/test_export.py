"""Exports: masked by default, unmasked only with permission and a reason, audited; text stays text."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from datetime import date

import pytest
from actors import actor_for
from factories import family, person
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from models import AuditEntry, Grid, Membership, Person
from reports.workbooks.export import write_table
from station.demo import community as demo
from station.errors import NotFound, PermissionDenied, ValidationError
from station.exports.records import EXPORT_KINDS
from station.exports.workbook import export_table
from station.ledger.households import register_household
from station.output_files import output_file
from station.places.directory import add_grid
from station.uow import UnitOfWork

FORMULA_TEXTS = ("=1+1", "+8613800000000", "-5", "@SUM(A1:A9)")


def export_rows(db, actor, kind, path, **options) -> list[tuple]:
    """Export through the service and the writer, then read the sheet back with openpyxl."""
    with UnitOfWork(db, actor) as uow:
        table = export_table(uow, kind, **options)
        assert write_table(path, table) == table.count
    return list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))


@pytest.fixture
def demo_community(db, community_id):
    demo.generate(db, households=25, seed=5)
    return community_id


def current_people(db) -> list[Person]:
    with db.session() as session:
        return session.scalars(select(Person).join(Membership, Membership.person_id == Person.id)
                               .where(Membership.left_on.is_(None))).all()


def test_a_masked_persons_export_hides_ids_phones_and_birth_dates(db, demo_community, admin, tmp_path):
    rows = export_rows(db, admin, "persons", tmp_path / "persons.xlsx")
    header, data = rows[0], rows[1:]
    assert "出生日期" not in header and "年龄" in header
    people = current_people(db)
    assert len(data) == len(people)
    cells = {str(cell) for row in data for cell in row if cell is not None}
    assert not cells & {p.id_number for p in people}
    assert not cells & {p.phone for p in people if p.phone}
    ids = [row[header.index("公民身份号码")] for row in data]
    assert all("********" in number for number in ids)
    assert any("****" in str(row[header.index("联系电话")]) for row in data)


def test_unmasked_export_needs_the_permission_and_a_reason(db, demo_community, tmp_path):
    director, staff = actor_for("director", demo_community), actor_for("staff", demo_community)
    with pytest.raises(PermissionDenied):
        export_rows(db, staff, "persons", tmp_path / "a.xlsx", unmasked=True, reason="核对户籍")
    with pytest.raises(PermissionDenied):
        export_rows(db, actor_for("grid_worker", demo_community), "persons", tmp_path / "b.xlsx", unmasked=True,
                    reason="核对户籍")
    with pytest.raises(PermissionDenied):
        export_rows(db, actor_for("clerk", demo_community), "persons", tmp_path / "b.xlsx")
    with pytest.raises(ValidationError, match="原因") as refused:
        export_rows(db, director, "persons", tmp_path / "c.xlsx", unmasked=True, reason=" ")
    assert refused.value.field == "reason"
    rows = export_rows(db, director, "persons", tmp_path / "d.xlsx", unmasked=True, reason="核对户籍")
    assert {row[7] for row in rows[1:]} == {p.id_number for p in current_people(db)}
    assert not (tmp_path / "a.xlsx").exists()


def test_every_export_is_audited_with_kind_count_masking_and_reason(db, demo_community, tmp_path):
    director = actor_for("director", demo_community)
    export_rows(db, director, "households", tmp_path / "h.xlsx", destination="h.xlsx")
    export_rows(db, director, "persons", tmp_path / "p.xlsx", unmasked=True, reason="年度核对")
    with db.session() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "export")
                                  .order_by(AuditEntry.id)).all()
    masked, unmasked = (entry.new_values for entry in entries)
    assert masked["kind"] == "households" and masked["masked"] is True and masked["file"] == "h.xlsx"
    assert unmasked == {**unmasked, "kind": "persons", "masked": False, "reason": "年度核对",
                        "count": len(current_people(db))}
    assert entries[1].username == "director" and "年度核对" in entries[1].detail


@pytest.mark.parametrize("kind", sorted(EXPORT_KINDS))
def test_every_kind_exports_all_its_rows(db, demo_community, admin, tmp_path, kind):
    with UnitOfWork(db, admin) as uow:
        table = export_table(uow, kind)
        progress: list[tuple[int, int]] = []
        written = write_table(tmp_path / f"{kind}.xlsx", table, progress=lambda *p: progress.append(p))
    rows = list(load_workbook(tmp_path / f"{kind}.xlsx", read_only=True).active.iter_rows(values_only=True))
    assert written == table.count == len(rows) - 1 > 0
    assert rows[0] == table.headers and progress[-1] == (written, table.count)


def test_one_grid_only(db, demo_community, tmp_path):
    with db.session() as session:
        grid = session.scalars(select(Grid).order_by(Grid.code)).first()
    staff = actor_for("staff", demo_community)
    rows = export_rows(db, staff, "households", tmp_path / "grid.xlsx", grid_code=grid.code)
    assert len(rows) > 1 and {row[1] for row in rows[1:]} == {grid.name}
    with pytest.raises(NotFound):
        export_rows(db, staff, "households", tmp_path / "none.xlsx", grid_code="NOPE")


def test_an_unknown_kind_is_refused(db, community_id, admin):
    with UnitOfWork(db, admin) as uow, pytest.raises(ValidationError, match="未知的导出内容"):
        export_table(uow, "salaries")


def test_formula_like_text_is_exported_as_text(db, community_id, admin, tmp_path):
    with UnitOfWork(db, admin) as uow:
        grid_id = add_grid(uow, community_id, "G01", "一网格").id
    members = tuple(person(name, "02" if i == 0 else "20", date(1980 + i, 1, 1), seq=i + 1, notes=text)
                    for i, (name, text) in enumerate(zip(("张一", "张二", "张三", "张四"), FORMULA_TEXTS,
                                                         strict=True)))
    draft = replace(family(grid_id), members=members, address='=HYPERLINK("http://x.example","点我")')
    with UnitOfWork(db, admin) as uow:
        register_household(uow, draft)
    path = tmp_path / "formulas.xlsx"
    export_rows(db, admin, "persons", path, unmasked=True, reason="测试公式")
    sheet = load_workbook(path).active
    header = [cell.value for cell in sheet[1]]
    cells = [row[header.index("备注")] for row in sheet.iter_rows(min_row=2)]
    cells.append(sheet.cell(row=2, column=header.index("地址") + 1))
    assert sorted(cell.value for cell in cells[:4]) == sorted(FORMULA_TEXTS)
    assert cells[4].value.startswith("=HYPERLINK(")
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)
    with zipfile.ZipFile(path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    book = CalamineWorkbook.from_path(str(path))
    values = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    assert "=1+1" in {row[header.index("备注")] for row in values}


def test_a_failed_export_leaves_no_file(db, community_id, admin, tmp_path):
    def rows_then_failure():
        yield ("a",) * 3
        raise OSError("disk full")

    with UnitOfWork(db, admin) as uow:
        table = replace(export_table(uow, "households"), rows=rows_then_failure())
    out = tmp_path / "exports"
    out.mkdir()
    with pytest.raises(OSError), output_file(out / "half.xlsx", db.settings) as partial:
        write_table(partial, table)
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("kind", sorted(EXPORT_KINDS))
def test_number_and_date_columns_are_as_wide_as_their_values(db, demo_community, admin, tmp_path, kind):
    """A streamed export sizes its columns before any row: a phone column as wide as its header
    (联系电话) showed the number cut off by the next cell."""
    path = tmp_path / f"{kind}.xlsx"
    rows = export_rows(db, admin, kind, path, **({"unmasked": True, "reason": "核对"} if kind == "persons" else {}))
    sheet = load_workbook(path).active
    assert sheet.max_row == len(rows) > 1
    for column, title in enumerate(rows[0], start=1):
        if not (title in ("公民身份号码", "联系电话", "户号", "编号") or title.endswith(("日期", "时间", "期限"))):
            continue
        cells = [sheet.cell(row, column) for row in range(2, sheet.max_row + 1)]
        # What Excel shows: a date in its format (yyyy-mm-dd, or with hh:mm), text as it is.
        widest = max((len(cell.number_format) if cell.is_date else len(str(cell.value))
                      for cell in cells if cell.value is not None), default=0)
        width = sheet.column_dimensions[sheet.cell(1, column).column_letter].width
        assert width >= widest + 1, (title, width, widest)
