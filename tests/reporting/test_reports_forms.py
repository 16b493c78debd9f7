"""Printed forms: the text read back from each PDF, masking, embedded fonts, blank forms, audit, lp."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest
from actors import actor_for
from factories import make_id
from ledger_fixtures import Neighbourhood, neighbourhood
from reports_support import assert_fonts_embedded, pdf_text, squeeze, unmasked_numbers
from sqlalchemy import select

from models import AuditEntry
from reports.pdf.fonts import FontMissing
from reports.print_jobs import print_household, print_person, print_receipt, print_visits
from station.errors import NotFound, PermissionDenied
from station.idcard import mask_id
from station.ledger.households import register_household
from station.ledger.records import HouseholdDraft
from station.phone import mask_phone
from station.registers import entries as register_entries
from station.requests import workflow as request_workflow
from station.residents.records import PersonDraft
from station.settings import ReportSettings, Settings, StationSettings
from station.uow import UnitOfWork
from station.visits import log as visit_log

HEAD_ID = make_id(date(1950, 3, 8), seq=7)
SPOUSE_ID = make_id(date(1952, 9, 1), male=False, seq=8)
HEAD_PHONE, SPOUSE_PHONE, DAUGHTER_PHONE = "13912345678", "13698765432", "13512345678"
HOME_PHONE = "010-62345678"
STATION_PHONE = "010-88886666"


@pytest.fixture
def settings(tmp_path) -> Settings:
    """The conftest settings plus a station phone (printed on receipts)."""
    station = StationSettings(name="幸福里社区服务站", community="幸福里社区", community_code="XFL",
                              phone=STATION_PHONE)
    return replace(Settings(), station=station, base_dir=tmp_path, source="(tests)")


@dataclass(frozen=True)
class Town:
    place: Neighbourhood
    number: str
    household_id: int
    head_id: int
    spouse_id: int
    request_number: str


@pytest.fixture
def town(db, uow, community_id) -> Town:
    place = neighbourhood(db, community_id)
    members = (
        PersonDraft(name="刘建国", id_number=HEAD_ID, relation="02", phone=HEAD_PHONE),
        PersonDraft(name="陈秀英", id_number=SPOUSE_ID, relation="10", phone=SPOUSE_PHONE),
    )
    saved = register_household(uow, HouseholdDraft(grid_id=place.grid1, members=members,
                                                   address="幸福路8号", room="301", phone=HOME_PHONE))
    household = saved.household
    ids = {member.name: member.id for member in household.members}
    register_entries.add_entry(uow, ids["陈秀英"], "disabled", date(2026, 11, 1), worker_id=place.worker1.id,
                    attributes={"certificate_no": SPOUSE_ID + "42"})
    visit_log.log_visit(uow, kind="home_visit", worker_id=place.worker1.id, person_id=ids["陈秀英"],
                         done_on=date(2026, 11, 20), content=f"送药上门,女儿电话{DAUGHTER_PHONE}")
    visit_log.plan_visit(uow, kind="phone_visit", worker_id=place.worker1.id, person_id=ids["刘建国"],
                          planned_on=date(2026, 11, 25), content="电话回访")
    request = request_workflow.receive(
        uow, channel="window", category="elderly", urgency="normal", grid_id=place.grid1,
        description=f"申请助餐服务,身份证{HEAD_ID}", contact_name="刘建国", contact_phone=HEAD_PHONE,
        household_id=household.id)
    return Town(place, household.number, household.id, ids["刘建国"], ids["陈秀英"], request.number)


def _printed(db, entity: str) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "print",
                                                             AuditEntry.entity == entity)))


def _no_private_numbers(text: str) -> None:
    """No ID or phone appears whole; only the masked forms do."""
    for secret in (HEAD_ID, SPOUSE_ID, HEAD_PHONE, SPOUSE_PHONE, DAUGHTER_PHONE, "62345678"):
        assert secret not in squeeze(text)
    assert unmasked_numbers(squeeze(text).replace(STATION_PHONE.replace("-", ""), "")
                            .replace(STATION_PHONE, "")) == []


# --- 住户信息登记表 ---------------------------------------------------------------------------


def test_household_form_lists_members_masked_with_registers(db, uow, town, tmp_path):
    printout = print_household(uow, town.number, out=tmp_path / "hh.pdf")
    (path,) = printout.files
    text = pdf_text(path, layout=False)
    flat = squeeze(text)
    for label in ("住户信息登记表", "家庭成员", "与户主关系", "公民身份号码", "人口类型", "重点人群登记",
                  "户主(签字)", "登记人(签字)", "日期"):
        assert label in flat, label
    assert town.number in flat and "一网格" in flat and "幸福路8号301室" in flat
    for line in ("刘建国", "户主", "男", "1950-03-08", "汉族", mask_id(HEAD_ID), mask_phone(HEAD_PHONE), "户籍人口"):
        assert squeeze(line) in flat, line
    assert mask_id(SPOUSE_ID) in flat and "配偶" in flat and mask_phone(HOME_PHONE) in flat
    assert "残疾人" in flat and "肢体残疾" in flat and "二级" in flat and mask_id(SPOUSE_ID + "42") in flat
    _no_private_numbers(text)
    assert_fonts_embedded(path)
    (entry,) = _printed(db, "household")
    assert entry.entity_id == town.household_id and town.number in entry.detail and str(path) in entry.detail


def test_blank_household_form_has_empty_lines_and_no_data(db, uow, town, settings):
    printout = print_household(uow, None)
    (path,) = printout.files
    assert path == settings.base_dir / "data" / "reports" / "household-blank.pdf"
    flat = squeeze(pdf_text(path, layout=False))
    assert "住户信息登记表" in flat and "空白表" in flat and "□户籍户□居住户" in flat
    assert "刘建国" not in flat and "8" in flat  # the eighth numbered line
    assert_fonts_embedded(path)
    assert _printed(db, "household")[0].detail.startswith("住户信息登记表(空白)")


# --- 重点人群档案卡 ---------------------------------------------------------------------------


def test_person_file_has_person_household_registers_and_visits(db, uow, town, tmp_path):
    (path,) = print_person(uow, town.spouse_id, out=tmp_path / "p.pdf").files
    text = pdf_text(path, layout=False)
    flat = squeeze(text)
    for label in ("重点人群档案卡", "一人一档", "身份证号", "重点人群登记", "同户成员", "最近走访记录"):
        assert label in flat, label
    assert "陈秀英" in flat and "女" in flat and mask_id(SPOUSE_ID) in flat and "配偶" in flat
    assert "残疾人" in flat and "2026-11-01" in flat and "在册" in flat and "王网格" in flat
    assert "送药上门" in flat and mask_phone(DAUGHTER_PHONE) in flat  # the visit's own text, masked
    assert "刘建国" in flat and mask_id(HEAD_ID) in flat  # the household's other member
    _no_private_numbers(text)
    assert_fonts_embedded(path)
    assert [e.entity_id for e in _printed(db, "person")] == [town.spouse_id]


# --- 走访记录表 -------------------------------------------------------------------------------


def test_visit_sheet_lists_done_planned_and_due_visits(db, uow, town, tmp_path):
    sheet = print_visits(uow, ("wang", date(2026, 11, 16), date(2026, 12, 31)), out=tmp_path / "v.pdf")
    text = pdf_text(sheet.files[0], layout=False)
    flat = squeeze(text)
    assert "走访记录表" in flat and "王网格" in flat and "2026-11-16至2026-12-31" in flat
    assert "送药上门" in flat and mask_phone(DAUGHTER_PHONE) in flat  # done: its content
    assert "电话探访(计划)" in flat and "刘建国" in flat  # planned
    assert "残疾人(应访)" in flat  # the register entry falls due on 20 December
    assert "幸福路8号301室" in flat and "被访人签字" in flat and "走访人(签字)" in flat
    _no_private_numbers(text)
    assert_fonts_embedded(sheet.files[0])
    assert [e.entity_id for e in _printed(db, "user")] == [town.place.worker1.id]


def test_blank_visit_sheet(uow, town):
    (path,) = print_visits(uow, None).files
    flat = squeeze(pdf_text(path, layout=False))
    assert "走访记录表" in flat and "空白表" in flat and "14" in flat and "送药上门" not in flat


def test_visit_sheet_refuses_an_unknown_worker(uow, town):
    with pytest.raises(NotFound, match="未找到工作人员"):
        print_visits(uow, ("nobody", date(2026, 11, 1), date(2026, 11, 30)))


# --- 居民诉求受理回执 -------------------------------------------------------------------------


def test_receipt_has_number_deadline_station_contact_and_tear_off_line(db, uow, town, tmp_path):
    (path,) = print_receipt(uow, town.request_number, out=tmp_path / "r.pdf").files
    text = pdf_text(path, layout=False)
    flat = squeeze(text)
    for label in ("居民诉求受理回执", "受理编号", "诉求类别", "紧急程度", "办理时限", "沿此线撕开", "存根",
                  "诉求人(签字)"):
        assert label in flat, label
    assert flat.count(town.request_number) >= 3  # receipt, promise and stub
    assert "养老服务" in flat and "一般" in flat and "窗口" in flat
    assert "2026-11-2309:00" in flat and "2026-11-3009:00" in flat  # received, + 168 hours
    assert STATION_PHONE in flat and "幸福里社区服务站" in flat
    assert mask_phone(HEAD_PHONE) in flat and mask_id(HEAD_ID) in flat  # the description, masked
    _no_private_numbers(text)
    assert_fonts_embedded(path)
    assert len(_printed(db, "request")) == 1


# --- scope, permission, font, printer --------------------------------------------------------


def test_a_grid_worker_cannot_print_a_household_of_another_grid(db, town, community_id):
    worker = actor_for("grid_worker", community_id, grid_ids={town.place.grid2}, user_id=town.place.worker2.id)
    with UnitOfWork(db, worker) as uow, pytest.raises(NotFound):
        print_household(uow, town.number)


def test_printing_needs_the_print_permission(db, town, community_id):
    with UnitOfWork(db, actor_for("visitor", community_id)) as uow, pytest.raises(PermissionDenied):
        print_household(uow, None)


def test_a_missing_font_is_reported_with_how_to_install_one(db, town, settings, community_id):
    broken = replace(settings, reports=ReportSettings(font=str(settings.base_dir / "missing.ttf")))
    db.settings = broken
    with UnitOfWork(db, actor_for("admin", community_id)) as uow, pytest.raises(FontMissing) as error:
        print_household(uow, town.number)
    assert "missing.ttf" in error.value.message and "fonts-wqy-microhei" in error.value.message
    assert _printed(db, "household") == []


def test_print_sends_the_pdf_to_lp_and_says_so_in_the_audit(db, uow, town, tmp_path, monkeypatch):
    log = tmp_path / "lp.log"
    fake = tmp_path / "bin" / "lp"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\necho "$@" > {log}\necho "request id is office-7 (1 file(s))"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    printout = print_receipt(uow, town.request_number, out=tmp_path / "r.pdf", send=True)
    assert printout.printed == "request id is office-7 (1 file(s))"
    assert log.read_text().split() == ["--", str(tmp_path / "r.pdf")]
    assert "已送打印机" in _printed(db, "request")[0].detail


def test_without_lp_the_file_is_kept_and_the_reason_given(uow, town, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    printout = print_household(uow, town.number, out=tmp_path / "h.pdf", send=True)
    assert printout.printed == "" and "lp" in str(printout.note) and Path(printout.files[0]).is_file()


def test_free_text_masks_ids_and_phones_but_not_dates_or_numbers():
    from station.masking import mask_text

    text = f"身份证{HEAD_ID},残疾证{SPOUSE_ID}42,电话{HEAD_PHONE}或{HOME_PHONE},2026-11-23 送米 25 斤"
    masked = mask_text(text)
    assert mask_id(HEAD_ID) in masked and mask_id(SPOUSE_ID + "42") in masked
    assert mask_phone(HEAD_PHONE) in masked and mask_phone(HOME_PHONE) in masked
    assert "2026-11-23 送米 25 斤" in masked and unmasked_numbers(masked) == []
