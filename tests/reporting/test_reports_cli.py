"""`station report ...` and `station month ...` as an admin runs them: real processes, a real SQLite file."""

from __future__ import annotations

import os
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from cli_station import init_admin, station
from reports_support import assert_fonts_embedded, pdf_text, require_tools, squeeze


def ok(folder: Path, *args: str) -> str:
    result = station(folder, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def last_month() -> str:
    day = date.today().replace(day=1) - timedelta(days=1)
    return f"{day:%Y-%m}"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    require_tools()
    path = tmp_path_factory.mktemp("station")
    (path / "station.toml").write_text(
        '[station]\nname = "测试站"\ncommunity = "测试社区"\ncommunity_code = "T01"\nphone = "010-12345678"\n'
        '[database]\nurl = "sqlite:///data/station.db"\n', encoding="utf-8")
    assert init_admin(path).returncode == 0
    ok(path, "demo", "--households", "40", "--seed", "3")
    return path


def query(folder: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(folder / "data" / "station.db") as connection:
        return connection.execute(sql).fetchall()


def test_monthly_report_writes_pdf_and_workbook_to_the_reports_folder(folder):
    month = last_month()
    stdout = ok(folder, "report", "monthly", "--month", month)
    pdf = folder / "data" / "reports" / f"monthly-{month}.pdf"
    assert str(pdf) in stdout and pdf.with_suffix(".xlsx").is_file()
    assert "月度统计报表" in squeeze(pdf_text(pdf)) and "数据核查" in squeeze(pdf_text(pdf))
    assert_fonts_embedded(pdf)
    (detail,) = query(folder, "select detail from audit_log where action = 'print' and entity = 'month'")[-1:]
    assert month in detail[0] and str(pdf) in detail[0]


def test_household_person_receipt_and_visits_print_with_explicit_paths(folder, tmp_path):
    (number,) = query(folder, "select number from households where status = 'active' order by id limit 1")[0]
    (request,) = query(folder, "select number from requests order by id desc limit 1")[0]
    (worker,) = query(folder, "select username from users where role = 'grid_worker' order by id limit 1")[0]
    (name,) = query(folder, "select p.name from persons p join memberships m on m.person_id = p.id "
                            "where m.household_id = (select id from households where number = "
                            f"'{number}') and m.relation = '02'")[0]
    before = len(query(folder, "select id from audit_log where action = 'print'"))
    ok(folder, "report", "household", number, "--pdf", str(tmp_path / "h.pdf"))
    ok(folder, "report", "person", name, "--household", number, "--pdf", str(tmp_path / "p.pdf"))
    ok(folder, "report", "receipt", request, "--pdf", str(tmp_path / "r.pdf"))
    today = date.today()
    ok(folder, "report", "visits", "--worker", worker, "--from", f"{today - timedelta(days=30)}", "--to",
       f"{today}", "--pdf", str(tmp_path / "v.pdf"))
    assert number in squeeze(pdf_text(tmp_path / "h.pdf")) and name in squeeze(pdf_text(tmp_path / "p.pdf"))
    assert request in squeeze(pdf_text(tmp_path / "r.pdf")) and "走访记录表" in squeeze(pdf_text(tmp_path / "v.pdf"))
    assert len(query(folder, "select id from audit_log where action = 'print'")) == before + 4


def test_blank_forms_and_asking_for_a_printer_without_one(folder):
    stdout = ok(folder, "report", "household", "--blank", "--print")
    assert (folder / "data" / "reports" / "household-blank.pdf").is_file()
    if not any(Path(p, "lp").exists() for p in os.environ["PATH"].split(os.pathsep)):
        assert "没有打印命令 lp" in stdout
    ok(folder, "report", "visits", "--blank")


def test_bad_input_is_refused_with_a_message(folder):
    for args, message in ((("report", "household"), "请输入户号"), (("report", "monthly", "--month", "2026-13"), "月份格式"),
                          (("report", "receipt", "S19990101-0001"), "未找到诉求"),
                          (("report", "visits", "--worker", "nobody"), "--from"),
                          (("report", "visits", "--worker", "w", "--from", "2026-02-30", "--to", "2026-03-01"),
                           "没有这一天:2026-02-30")):
        result = station(folder, *args)
        assert result.returncode == 1 and message in result.stderr, (args, result.stderr)


def test_lock_then_unlock_a_month(folder):
    month = last_month()
    assert "已锁定" in ok(folder, "month", "lock", month)
    assert month in ok(folder, "month", "list")
    assert "已锁定" in station(folder, "month", "lock", month).stderr
    assert "已解锁" in ok(folder, "month", "unlock", month, "--reason", "补录")
    assert [row[0] for row in query(folder, "select action from audit_log where entity = 'month' "
                                            "and action in ('lock', 'unlock') order by id")] == ["lock", "unlock"]


def test_a_missing_font_stops_printing_and_shows_in_doctor(folder, tmp_path):
    config = (folder / "station.toml").read_text(encoding="utf-8")
    broken = tmp_path / "station.toml"
    broken.write_text(config.replace("sqlite:///data/station.db", f"sqlite:///{folder}/data/station.db")
                      + '[reports]\nfont = "/nowhere/simsun.ttc"\n', encoding="utf-8")
    result = station(tmp_path, "report", "household", "--blank")
    assert result.returncode == 1 and "缺少中文字体" in result.stderr and "fonts-wqy-microhei" in result.stderr
    doctor = station(tmp_path, "doctor")
    assert "中文字体" in doctor.stdout and "找不到配置的字体" in doctor.stdout


def test_a_street_account_prints_the_street_roll_up_and_a_community_report(folder, tmp_path):
    _add_street_account(folder, "jiedao", "Street-Test-Key-42")
    month = last_month()

    def as_street(*args: str):
        return station(folder, "report", "monthly", "--month", month, *args, as_user="jiedao",
                       password="Street-Test-Key-42")

    rolled = as_street("--street", "--pdf", str(tmp_path / "s.pdf"), "--xlsx", str(tmp_path / "s.xlsx"))
    assert rolled.returncode == 0, rolled.stderr
    text = squeeze(pdf_text(tmp_path / "s.pdf"))
    assert "各社区月度统计汇总表" in text and "测试社区" in text and "合计" in text
    assert_fonts_embedded(tmp_path / "s.pdf")
    assert (tmp_path / "s.xlsx").is_file()
    own = as_street("--community", "T01", "--pdf", str(tmp_path / "c.pdf"))
    assert own.returncode == 0, own.stderr
    assert "测试社区" in squeeze(pdf_text(tmp_path / "c.pdf")) and "数据核查" in squeeze(pdf_text(tmp_path / "c.pdf"))
    printed = query(folder, "select u.username, a.detail from audit_log a join users u on u.id = a.user_id "
                            "where a.action = 'print' and a.entity = 'month' order by a.id")[-2:]
    assert [who for who, _ in printed] == ["jiedao", "jiedao"] and "各社区月度统计汇总表" in printed[0][1]
    for args, message in ((("--street", "--grid", "G01"), "针对全街道"), (("--street", "--lock"), "针对全街道"),
                          (("--community", "NOPE"), "NOPE")):
        refused = as_street(*args)
        assert refused.returncode == 1 and message in refused.stderr, (args, refused.stderr)
    community = station(folder, "report", "monthly", "--month", month, "--street")
    assert community.returncode == 1 and "街道账户" in community.stderr


def _add_street_account(folder: Path, username: str, password: str) -> None:
    """A street account, added as the street-wide system would (a community admin may not)."""
    from station.accounts import users
    from station.actor import SYSTEM
    from station.db import Database, make_engine
    from station.settings import Settings
    from station.uow import UnitOfWork

    db = Database(make_engine(f"sqlite:///{folder / 'data' / 'station.db'}"), Settings())
    try:
        with UnitOfWork(db, SYSTEM) as uow:
            users.add_user(uow, username, "街道甲", "street", password)
            uow.commit()
    finally:
        db.dispose()
