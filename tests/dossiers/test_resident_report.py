"""The printed 个人信息查阅单 of a demo resident, read back from the PDF: their numbers whole, others'
masked, the accesses the test made listed with who and what; printing it is itself audited."""

from __future__ import annotations

from dataclasses import replace

import pytest
from reports_support import assert_fonts_embedded, pdf_text, squeeze, unmasked_numbers
from resident_fixtures import demo_people, id_of, touch_both
from sqlalchemy import select

from models import AuditEntry, Membership, Person
from reports.print_jobs import print_resident
from station.dossiers.resident import resident_dossier
from station.errors import PermissionDenied
from station.idcard import mask_id
from station.phone import mask_phone
from station.residents.privacy import reveal_person
from station.uow import UnitOfWork


@pytest.fixture
def people(db, community_id):
    return demo_people(db)


def _person(db, person_id: int) -> Person:
    with db.session() as session:
        return session.get_one(Person, person_id)


def _housemates(db, household_id: int, person_id: int) -> list[Person]:
    with db.session() as session:
        return list(session.scalars(select(Person).join(Membership, Membership.person_id == Person.id)
                                    .where(Membership.household_id == household_id, Person.id != person_id)))


def _a_line_with(text: str, *parts: str) -> bool:
    """Whether one line of the laid-out page holds every part (a row of a table)."""
    return any(all(part in line for part in parts) for line in text.splitlines())


def _prints_of(db, person_id: int) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry).where(
            AuditEntry.action == "print", AuditEntry.entity == "person", AuditEntry.entity_id == person_id)))


def test_the_report_prints_their_numbers_whole_and_lists_who_touched_them(db, people, tmp_path):
    touch_both(db, people, tmp_path)
    with UnitOfWork(db, people.clerk) as uow:
        (path,) = print_resident(uow, people.person_id, out=tmp_path / "mine.pdf").files
    text = pdf_text(path, layout=False)
    flat = squeeze(text)
    me, mates = _person(db, people.person_id), _housemates(db, people.household_id, people.person_id)
    for label in ("个人信息查阅单", "一、基本信息", "二、户籍/住户", "三、重点人群", "四、走访记录", "五、居民诉求",
                  "六、信息访问记录", "本人(签字)", "经办人(签字)"):
        assert label in flat, label
    assert me.name in flat and me.id_number in flat and people.number in flat
    if me.phone:
        assert me.phone in flat
    for mate in mates:
        assert mate.name in flat and mate.id_number not in flat and mask_id(mate.id_number) in flat
        assert not mate.phone or (mate.phone not in flat and mask_phone(mate.phone) in flat)
    own = {me.id_number, me.phone}
    # Their own numbers (and their certificate, their ID plus two digits) are the only whole ones.
    assert [number for number in unmasked_numbers(text) if not any(number.startswith(o) for o in own if o)] == []
    for seen in (people.clerk.username, people.staff.username, "查看", "搜索", "显示完整号码", "打印", "核实身份",
                 f"住户{people.number}", "住户信息登记表"):
        assert seen in flat, seen
    other = _person(db, people.other_id)
    assert other.name not in flat and people.other_number not in flat and mask_id(other.id_number) not in flat
    assert_fonts_embedded(path)


def test_printing_is_audited_and_shows_in_the_next_report(db, people, tmp_path):
    with UnitOfWork(db, people.clerk) as uow:
        print_resident(uow, people.person_id, out=tmp_path / "first.pdf")
    (printed,) = _prints_of(db, people.person_id)
    assert printed.username == people.clerk.username and printed.detail.startswith("个人信息查阅单:")
    assert str(tmp_path / "first.pdf") in printed.detail and id_of(db, people.person_id) not in printed.detail
    with UnitOfWork(db, people.clerk) as uow:
        (last,) = resident_dossier(uow, people.person_id).accesses[-1:]
        (second,) = print_resident(uow, people.person_id, out=tmp_path / "second.pdf").files
    assert (last.action, last.entity, last.note) == ("print", "person", "个人信息查阅单")
    assert _a_line_with(pdf_text(second), people.clerk.username, "打印", "本人信息", "个人信息查阅单")
    assert len(_prints_of(db, people.person_id)) == 2


def test_the_file_goes_to_the_reports_folder_named_by_id_never_by_name(db, people):
    with UnitOfWork(db, people.clerk) as uow:
        (path,) = print_resident(uow, people.person_id).files
    assert path.parent == db.settings.resolve(db.settings.reports.folder)
    assert path.name == f"resident-{people.person_id}.pdf"


def test_a_role_that_may_not_print_gets_nothing(db, people, tmp_path):
    reader = replace(people.clerk, role="nobody")
    with UnitOfWork(db, reader) as uow, pytest.raises(PermissionDenied):
        print_resident(uow, people.person_id, out=tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists() and _prints_of(db, people.person_id) == []


def test_in_english_the_titles_are_english(db, people, tmp_path):
    db.settings = replace(db.settings, station=replace(db.settings.station, language="en"))
    with UnitOfWork(db, people.clerk) as uow:
        (path,) = print_resident(uow, people.person_id, out=tmp_path / "en.pdf").files
    flat = squeeze(pdf_text(path, layout=False))
    for title in ("Resident'sowndatareport", "1.Personaldetails", "6.Whoaccessedthisinformation", "Page1of"):
        assert title in flat, title
    assert "个人信息查阅单" not in flat and id_of(db, people.person_id) in flat


def test_a_long_access_log_splits_across_pages_with_its_header_repeated(db, people, tmp_path):
    with UnitOfWork(db, people.staff) as uow:
        for number in range(120):
            reveal_person(uow, people.person_id, f"第{number}次核对")
    with UnitOfWork(db, people.clerk) as uow:
        (path,) = print_resident(uow, people.person_id, out=tmp_path / "long.pdf").files
    text = pdf_text(path, layout=False)
    with_rows = [squeeze(page) for page in text.split("\f") if "次核对" in page]
    assert len(with_rows) >= 2 and all("操作人" in page for page in with_rows)  # the header on each page
    assert "第0次核对" in with_rows[0] and "第119次核对" in with_rows[-1]
