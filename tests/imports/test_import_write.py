"""Importing a ledger: typing noise normalised, households and places created, keys, audit, dry run."""

from __future__ import annotations

from datetime import date

import pytest
from factories import make_id
from import_books import families, person, read, write_openpyxl, write_xlsxwriter
from sqlalchemy import func, select, text

from models import AuditEntry, Building, Grid, Household, Membership, Person, SearchEntry, Unit
from station.errors import ValidationError
from station.imports.ledger import run_import
from station.places.directory import add_building, add_grid, unit_id_for
from station.search import lookup as search
from station.uow import UnitOfWork

TABLES = (Person, Household, Membership, SearchEntry, Grid, Building, Unit, AuditEntry)


def counts(db) -> dict[str, int]:
    with db.session() as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model)) for model in TABLES}


def import_rows(db, actor, path, **options):
    with UnitOfWork(db, actor) as uow:
        return run_import(uow, read(path), source_name=path.name, **options)


def test_typing_noise_is_normalised(db, admin, tmp_path):
    born = date(2020, 1, 5)
    rows = [
        person("Ｈ１", "张 三", make_id(date(1949, 12, 31), male=False).lower(), "户主", 性别="女",
               出生日期="1949/12/31", 联系电话="138 0013 8000", 民族="毛难族"),
        person("Ｈ１", "张一", " ".join(["110105", "20200105", make_id(born, seq=3)[-4:]]), "儿子",
               出生日期="2020.01.05", 民族="崩龙族", 联系电话=13900139000),
        person("Ｈ１", "张二", _full_width(make_id(born, male=False, seq=4)), "女儿", 出生日期="20200105"),
        person("Ｈ１", "张四", make_id(born, seq=5), "子", 出生日期=43835),
        person("Ｈ１", "张五", make_id(born, male=False, seq=6), "女", 出生日期=born, 人口类型="流动"),
        person("Ｈ１", "李六", make_id(date(1950, 2, 2), seq=7), "老伴"),
    ]
    report = import_rows(db, admin, write_openpyxl(tmp_path / "noise.xlsx", rows))
    assert report.written, [e.describe() for e in report.errors]
    with db.session() as session:
        people = {p.name: p for p in session.scalars(select(Person))}
        relations = dict(session.execute(select(Person.name, Membership.relation).join(
            Membership, Membership.person_id == Person.id)).all())
        number = session.scalar(select(Household.number))
    assert people["张 三"].id_number.endswith("X") and people["张 三"].phone == "13800138000"
    assert people["张 三"].ethnicity == "36" and people["张一"].ethnicity == "46"
    assert people["张一"].id_number == make_id(born, seq=3) and people["张一"].phone == "13900139000"
    assert people["张二"].id_number == make_id(born, male=False, seq=4)
    assert {people[n].birth_date for n in ("张一", "张二", "张四", "张五")} == {born}
    assert people["张五"].population_type == "floating"
    assert relations == {"张 三": "02", "张一": "20", "张二": "30", "张四": "20", "张五": "30", "李六": "10"}
    assert number == "H1"


def test_households_places_and_counts(db, admin, tmp_path):
    report = import_rows(db, admin, write_openpyxl(tmp_path / "ledger.xlsx", families(10)))
    assert report.written and report.counts.persons_created == 30 and report.counts.households_created == 10
    assert report.new_grids == ("第一网格",) and len(report.new_buildings) == 7
    assert counts(db)["households"] == 10 and counts(db)["units"] == 7
    with db.session() as session:
        heads = session.scalar(select(func.count()).where(Membership.relation == "02"))
        assert heads == 10
        assert session.scalar(select(Household.kind).limit(1)) == "registered"


def test_existing_places_are_reused_by_name_or_code(db, admin, community_id, tmp_path):
    with UnitOfWork(db, admin) as uow:
        add_grid(uow, community_id, "G1", "第一网格")
        add_grid(uow, community_id, "G2", "第二网格")
    rows = families(2)
    rows[3]["网格"] = rows[4]["网格"] = rows[5]["网格"] = "G2"
    report = import_rows(db, admin, write_openpyxl(tmp_path / "ledger.xlsx", rows))
    assert report.written and report.new_grids == ()
    assert counts(db)["grids"] == 2
    again = import_rows(db, admin, write_openpyxl(tmp_path / "more.xlsx", families(1, start=7)))
    assert again.written and again.new_buildings == () and counts(db)["buildings"] == 2


def test_buildings_and_units_are_matched_by_their_number(db, admin, community_id, tmp_path):
    with UnitOfWork(db, admin) as uow:
        grid = add_grid(uow, community_id, "G1", "第一网格")
        unit_id_for(uow, add_building(uow, grid.id, "1号楼").id, "3单元")
        uow.commit()
    written = [("1", "3"), ("一号楼", "三单元"), ("１", "３单元"), ("2", "5"), ("2号楼", "五")]
    rows = [person(f"H{index}", "张三", make_id(date(1960, 1, 1), seq=index), "户主", building=building,
                   unit=unit, room="1808") for index, (building, unit) in enumerate(written, start=1)]
    report = import_rows(db, admin, write_openpyxl(tmp_path / "places.xlsx", rows))
    assert report.written, [e.describe() for e in report.errors]
    assert report.new_buildings == ("第一网格 / 2号楼",)
    with db.session() as session:
        homes = session.execute(select(Building.name, Unit.name).join(Household, Household.building_id == Building.id)
                                .join(Unit, Unit.id == Household.unit_id).order_by(Household.number)).all()
        assert sorted(session.scalars(select(Unit.name))) == ["3单元", "5单元"]
    assert [tuple(home) for home in homes] == [("1号楼", "3单元")] * 3 + [("2号楼", "5单元")] * 2
    with UnitOfWork(db, admin) as uow:
        assert len(search.search(uow, "1号楼3单元1808")) == 3


def test_search_keys_match_a_reindex(db, admin, tmp_path):
    import_rows(db, admin, write_xlsxwriter(tmp_path / "ledger.xlsx", families(20)))
    imported = _keys(db)
    with UnitOfWork(db, admin) as uow:
        search.reindex_persons(uow, uow.session.scalars(select(Person.id)))
        uow.commit()
    assert imported == _keys(db) and len(imported) > 20 * 3 * 8
    with UnitOfWork(db, admin) as uow:
        assert [hit.name for hit in search.search(uow, families(20)[0]["公民身份号码"])] == [families(20)[0]["姓名"]]


def test_the_planners_statistics_count_what_was_imported(db, admin, tmp_path):
    """Search plans depend on them: taken in the import's transaction on SQLite, after it on PostgreSQL."""
    assert import_rows(db, admin, write_openpyxl(tmp_path / "ledger.xlsx", families(10))).written
    with db.session() as session:
        keys = session.scalar(select(func.count()).select_from(SearchEntry))
        if db.is_sqlite:
            stat = session.execute(text("SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_search_keys_key_grid'")).scalar()
            counted = int(stat.split()[0])
        else:
            counted = session.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'search_keys'")).scalar()
    assert keys > 30 * 5 and counted == keys


def test_the_import_is_audited(db, admin, tmp_path):
    import_rows(db, admin, write_openpyxl(tmp_path / "ledger.xlsx", families(3)))
    with db.session() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "import"))
    assert entry.new_values["persons_created"] == 9 and entry.new_values["file"] == "ledger.xlsx"
    assert entry.username == "admin" and "新增 9 人" in entry.detail


def test_dry_run_writes_nothing_but_its_audit_entry(db, admin, community_id, tmp_path):
    before = counts(db)
    report = import_rows(db, admin, write_openpyxl(tmp_path / "ledger.xlsx", families(5)), dry_run=True)
    assert not report.written and report.dry_run and report.counts.persons_created == 15
    assert report.new_grids == ("第一网格",)
    assert counts(db) == {**before, "audit_log": before["audit_log"] + 1}


def test_a_check_that_names_registered_people_is_audited(db, admin, tmp_path):
    """Like a search: who asked, about which file, and how many rows found someone registered."""
    import_rows(db, admin, write_openpyxl(tmp_path / "ledger.xlsx", families(3)))
    clerk_file = write_openpyxl(tmp_path / "名单.xlsx", families(5))
    dry = import_rows(db, admin, clerk_file, dry_run=True)
    refused = import_rows(db, admin, clerk_file)
    first_id = families(3)[0]["公民身份号码"]
    assert "已登记为“" in dry.errors[0].reason_text() and first_id not in dry.errors[0].reason_text()
    assert not refused.written
    with db.session() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "import_check")
                                  .order_by(AuditEntry.id)).all()
    assert [entry.new_values["dry_run"] for entry in entries] == [True, False]
    for entry in entries:
        assert entry.username == "admin" and entry.new_values["file"] == "名单.xlsx"
        assert entry.new_values["matched"] == 9 and entry.new_values["rows_refused"] == 9
        assert "已登记人员 9 人" in entry.detail and first_id not in entry.detail


def test_numbers_are_generated_without_a_household_column(db, admin, tmp_path):
    header = ["姓名", "证件号码", "与户主关系", "所属网格", "楼号", "室号"]
    rows = [{"姓名": r["姓名"], "证件号码": r["公民身份号码"], "与户主关系": r["与户主关系"],
             "所属网格": "一网格", "楼号": "5号楼", "室号": r["房号"]} for r in families(3)]
    report = import_rows(db, admin, write_openpyxl(tmp_path / "ledger.xlsx", rows, header=header))
    assert report.written and report.counts.households_created == 3
    with db.session() as session:
        assert sorted(session.scalars(select(Household.number))) == ["H000001", "H000002", "H000003"]


def test_without_a_grid_column_the_only_grid_is_used(db, admin, community_id, tmp_path):
    header = ["户号", "姓名", "身份证号码", "关系", "地址"]
    rows = [{"户号": "1", "姓名": "独居者", "身份证号码": make_id(date(1940, 1, 1)), "关系": "本人",
             "地址": "平房3排5号"}]
    path = write_openpyxl(tmp_path / "ledger.xlsx", rows, header=header)
    with UnitOfWork(db, admin) as uow:
        grid = add_grid(uow, community_id, "G1", "第一网格")
    assert import_rows(db, admin, path).written
    with db.session() as session:
        assert session.scalar(select(Household.grid_id)) == grid.id
    with UnitOfWork(db, admin) as uow:
        add_grid(uow, community_id, "G2", "第二网格")
    with pytest.raises(ValidationError, match="没有“网格”列"):
        import_rows(db, admin, path)


def test_a_missing_required_column_is_refused(db, admin, tmp_path):
    path = write_openpyxl(tmp_path / "l.xlsx", families(1), header=["户号", "姓名", "公民身份号码"])
    with pytest.raises(ValidationError, match="与户主关系"):
        import_rows(db, admin, path)


def test_overseas_residents_with_passports(db, admin, tmp_path):
    rows = [person("F1", "金敏俊", "M12345678", "户主", 性别="男", 出生日期="1990-03-04", 人口类型="境外人员",
                   民族="")]
    report = import_rows(db, admin, write_openpyxl(tmp_path / "l.xlsx", rows))
    assert not report.written and report.errors[0].column == "民族"
    rows[0]["民族"] = "汉族"
    report = import_rows(db, admin, write_openpyxl(tmp_path / "l.xlsx", rows))
    assert report.written, report.errors
    with db.session() as session:
        assert session.scalar(select(Person.id_type)) == "passport"


def _keys(db) -> set[tuple]:
    with db.session() as session:
        return set(session.execute(select(SearchEntry.person_id, SearchEntry.grid_id, SearchEntry.key)).all())


def _full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if ch.isascii() and ch.isalnum() else ch for ch in text)


def test_members_below_a_numbered_head_join_its_household(db, admin, tmp_path):
    rows = families(2)
    for row in (rows[1], rows[2], rows[4]):
        row["户号"] = ""
    rows[3]["户号"] = ""  # a head without a number starts nothing
    report = import_rows(db, admin, write_openpyxl(tmp_path / "ledger.xlsx", rows))
    assert [(e.row, e.reason_text()) for e in report.errors] == [
        (7, "请填写户号"), (8, "请填写户号"), (9, "户号 H000001 没有户主")]
    rows[3]["户号"] = "H000001"
    report = import_rows(db, admin, write_openpyxl(tmp_path / "ledger.xlsx", rows))
    assert report.written and report.counts.households_created == 2
