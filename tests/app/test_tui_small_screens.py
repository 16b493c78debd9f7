"""At 80x24 (many counter PCs) every screen keeps what a clerk decides by in view, in both languages."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from dashboard_fixtures import build_town
from ledger_fixtures import neighbourhood, set_person
from sqlalchemy import select, update
from textual.widgets import DataTable
from tui_support import app_for, drive, log_in, make_admin, settle, squeeze, text_of, with_settings

from models import Person, Visit
from screens.ledger.member_rows import FIELDS
from station.codes import population_type_code
from station.stats.dashboard import dashboard
from station.uow import UnitOfWork

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
SMALL = (80, 24)


@pytest.fixture
def town(db, community_id, clock):
    build_town(db, community_id, neighbourhood(db, community_id), clock)
    make_admin(db)
    return db


def _shown_at(db, language: str, key: str | None, size=SMALL) -> str:
    """The whole terminal after logging in and pressing `key` (None: the dashboard)."""
    shown: list[str] = []

    async def scenario(pilot):
        await log_in(pilot)
        if key:
            await pilot.press(key)
            await settle(pilot)
        shown.append(text_of(pilot))

    drive(app_for(with_settings(db, language=language)), scenario, size=size)
    return shown[0]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_section_bar_shows_every_section_key(town, language):
    sections = _shown_at(town, language, None).splitlines()[1]
    for key in ("F12", "F2", "F3", "F4", "F5", "F6", "F7"):
        assert f"{key} " in sections, sections
    assert ("Import" if language == "en" else "导入") in sections


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_dashboard_shows_its_row_labels(town, language):
    shown = squeeze(_shown_at(town, language, None))
    labels = (("Visits", "Received", "Closed", "Ontime") if language == "en"
              else ("完成走访", "受理诉求", "办结诉求", "按时办结"))
    for label in labels:
        assert re.search(f"{label}[0-9—]", shown), shown  # the label, then its figures


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_dashboard_shows_every_register_category_whole(town, language):
    """特困(集中供养) was cut to 特困(集中供… beside its count."""
    shown = _shown_at(town, language, None)
    names = (("Tekun (in care)", "Tekun (at home)", "Left-behind child", "Living alone") if language == "en"
             else ("特困(集中供养)", "特困(分散供养)", "独居老人", "留守儿童"))
    for name in names:
        assert re.search(rf"{re.escape(name)}\s+[0-9,]+\s", shown), name
    assert "…" not in shown.split("重点人群" if language == "zh" else "Registers")[1].split("╰")[0]


def test_the_dashboard_keeps_its_labels_whole_beside_three_digit_counts(town):
    """今日已完成 was cut to 今日已完… beside a count of 11 (the demo community at 80 columns)."""
    shown: list[str] = []

    async def scenario(pilot):
        await log_in(pilot)
        screen = pilot.app.screen
        with UnitOfWork(town, screen.station.actor) as uow:
            record = dashboard(uow)
        counts = {name: 999 for name in ("visits_due_today", "visits_overdue", "visits_due_later_this_week",
                                          "visits_done_today", "requests_open", "requests_overdue", "requests_at_risk")}
        screen.show_record(replace(record, **counts))
        await settle(pilot)
        shown.append(text_of(pilot))

    drive(app_for(town), scenario, size=SMALL)
    for label in ("今日应访", "已逾期", "本周待访", "今日已完成", "办理中", "已超期", "临期"):
        assert re.search(f"{label}\\s+999\\b", shown[0]), (label, shown[0])


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_register_list_shows_the_visits_due(town, language):
    shown = _shown_at(town, language, "f3")
    header, row = _header_and_row(shown, "王大爷")
    for title in (("Name", "Last visit", "Next visit") if language == "en" else ("姓名", "上次走访", "下次走访")):
        assert title in header, shown
    assert re.search(r"2026-1[12]-\d\d\s*$", row), shown  # the next visit's date ends the row


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_request_list_shows_the_time_left(town, language):
    shown = _shown_at(town, language, "f5")
    header, row = _header_and_row(shown, "S20261123-0001")
    assert ("Time left" if language == "en" else "剩余时间") in header, shown
    assert (" over" if language == "en" else "超 ") in row, shown  # the urgent one is overdue by noon


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_ledger_shows_household_name_relation_and_state(town, language):
    shown = _shown_at(town, language, "f2")
    header, row = _header_and_row(shown, "王大妈")
    titles = ("Name", "Household", "Relation", "Status") if language == "en" else ("姓名", "户号", "与户主关系", "状态")
    for title in titles:
        assert title in header, shown
    assert "H000001" in row and "配偶" in row, shown
    assert ("Living here" if language == "en" else "在住") in row, shown


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_household_file_shows_each_members_name_and_numbers_on_one_line(town, language):
    """The phone number wrapped onto a line of its own, away from its label, at 80 columns."""
    with town.session() as session:
        couple = session.scalars(select(Person.id).where(Person.name.in_(("王大爷", "王大妈")))).all()
    for person_id in couple:
        set_person(town, person_id, phone="13912345678")
    shown: list[str] = []

    async def scenario(pilot):
        await log_in(pilot)
        await pilot.press("f2", *"王大妈", "enter", "enter")
        await settle(pilot)
        shown.append(text_of(pilot))

    drive(app_for(with_settings(town, language=language)), scenario, size=SMALL)
    phone = "Phone" if language == "en" else "电话"
    lines = [line for line in shown[0].splitlines() if "王大" in line and "********" in line]
    assert len(lines) == 2, shown[0]
    for line in lines:
        assert f"{phone} 139****5678" in line, shown[0]


def test_the_household_file_shows_a_long_visit_content_whole(town):
    """Rich finds no spaces in Chinese to wrap at: the content was cut with … at 80 columns."""
    content = "入户走访，老人近期血压偏高，已联系社区卫生服务站上门测量并登记用药情况，下周三前再次回访确认"
    with town.session() as session:
        session.execute(update(Visit).where(Visit.content == "入户").values(content=content))
        session.commit()
    shown: list[str] = []

    async def scenario(pilot):
        await log_in(pilot)
        await pilot.press("f2", *"王大妈", "enter", "enter")
        await settle(pilot)
        pilot.app.screen.query_one("#visits-box").scroll_visible(animate=False)
        await settle(pilot)
        shown.append(text_of(pilot))

    drive(app_for(town), scenario, size=SMALL)
    scrollbar = dict.fromkeys(range(0x2581, 0x2589))  # the screen's scrollbar beside the text
    assert content in squeeze(shown[0]).replace("\n", "").translate(scrollbar), shown[0]


def _header_and_row(shown: str, first_cell: str) -> tuple[str, str]:
    """The list's header line and the row that starts with `first_cell`."""
    lines = shown.splitlines()
    row = next(index for index, line in enumerate(lines) if line.strip().startswith(first_cell))
    header = next(line for line in reversed(lines[:row]) if line.strip() and not line.strip().startswith(("S2", "王", "赵")))
    return header, lines[row]


@pytest.mark.parametrize(("language", "ending"), [("zh", "显示下次走访日期和逾期"),
                                                      ("en", "listthekeysthatworkhere")])
def test_help_wraps_each_key_s_details_rather_than_cutting_them(town, language, ending):
    shown = _shown_at(town, language, "f1")
    assert "…" not in shown, shown
    # A long detail (F3's in Chinese, F1's in English) goes on below itself, to its end.
    assert ending in squeeze(shown).replace("\n", ""), shown


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_report_figures_show_every_label_whole(town, language):
    shown = _shown_at(town, language, "f6")
    labels = (("Households", "Residents", "Registers", "Visited", "Visits", "Requests", "Closed", "On time")
              if language == "en" else ("在住户数", "在住人数", "重点人群", "走访达标", "完成走访", "受理诉求",
                                        "办结诉求", "按时办结"))
    for label in labels:
        assert label in shown, shown
    assert "…" not in shown, shown


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("key", ["f3", "f4", "f5"])
def test_the_lists_fit_without_scrolling_sideways(town, language, key):
    widths: list[int] = []

    async def scenario(pilot):
        await log_in(pilot)
        await pilot.press(key)
        await settle(pilot)
        table = next(table for table in pilot.app.screen.query(DataTable) if table.display)
        widths.append(table.max_scroll_x)

    drive(app_for(with_settings(town, language=language)), scenario, size=SMALL)
    assert widths == [0]


def test_a_list_refits_when_the_terminal_narrows(town):
    shown: list[str] = []

    async def scenario(pilot):
        await log_in(pilot)
        await pilot.press("f3")
        await settle(pilot)
        shown.append(text_of(pilot))
        await pilot.resize_terminal(*SMALL)
        await settle(pilot)
        shown.append(text_of(pilot))
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        shown.append(text_of(pilot))

    drive(app_for(town), scenario, size=(100, 30))
    wide, narrow, wide_again = (_header_and_row(text, "王大爷")[0] for text in shown)
    assert "登记日期" in wide and "下次走访" in wide
    assert "登记日期" not in narrow and "下次走访" in narrow
    assert wide_again == wide


def _notes_fold_as_chinese_is_set(note: str) -> None:
    lines = [line.strip(" │") for line in note.splitlines() if line.strip(" │")]
    assert lines and not any(line[0] in ",、。;:" for line in lines), note


def test_the_first_run_intro_never_starts_a_line_with_a_comma(db):
    """Chinese is set with 行首禁则: at 80 columns the first-run intro folded before its "," ."""
    notes: list[str] = []

    async def scenario(pilot):
        await settle(pilot)
        notes.append(text_of(pilot, "#first-run-intro"))

    drive(app_for(db), scenario, size=SMALL)
    _notes_fold_as_chinese_is_set(notes[0])
    assert "创建第一个系统管理员账户" in squeeze(notes[0]).replace("\n", "")



@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_request_search_shows_its_whole_hint(town, language):
    hint = app_for(with_settings(town, language=language)).catalogue("requests.search_placeholder")
    shown: list[str] = []

    async def scenario(pilot):
        await log_in(pilot)
        await pilot.press("f5")
        await settle(pilot)
        shown.append(text_of(pilot, "#request-search"))

    drive(app_for(with_settings(town, language=language)), scenario, size=SMALL)
    assert hint in shown[0], shown


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_visit_filters_show_the_worker_and_every_field_whole(town, language):
    catalogue = app_for(with_settings(town, language=language)).catalogue
    shown: dict[str, str] = {}
    fields = {"filter-query": "visits.search_placeholder", "filter-worker": "visits.all_workers",
              "filter-grid": "visits.all_grids", "filter-kind": "visits.all_kinds",
              "filter-from": "visits.date_from", "filter-to": "visits.date_to"}

    async def scenario(pilot):
        await log_in(pilot)
        await pilot.press("f4")
        await settle(pilot)
        shown.update({field: text_of(pilot, f"#{field}") for field in fields})

    drive(app_for(with_settings(town, language=language)), scenario, size=SMALL)
    for field, text_key in fields.items():
        assert catalogue(text_key) in shown[field], (field, shown)


@pytest.mark.parametrize("kind", ["registered", "dwelling"])
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_member_columns_show_their_titles_and_values_whole(town, language, kind):
    catalogue = app_for(with_settings(town, language=language)).catalogue
    shown: dict[str, str] = {}

    async def scenario(pilot):
        await log_in(pilot)
        await pilot.press("f2", "ctrl+n")
        await settle(pilot)
        pilot.app.screen.query_one("#kind").value = kind
        await settle(pilot)
        shown["header"] = text_of(pilot, "MemberHeader")
        shown["population"] = text_of(pilot, "#m1-population_type")
        shown["value"] = pilot.app.screen.query_one("#m1-population_type").value

    drive(app_for(with_settings(town, language=language)), scenario, size=SMALL)
    for field in FIELDS:
        assert catalogue(f"household_form.column.{field}") in shown["header"], shown
    assert shown["value"] in shown["population"], shown
    assert population_type_code(shown["value"]) == ("registered" if kind == "registered" else "floating")
    if language == "en":
        assert not re.search("[\u4e00-\u9fff]", shown["value"]), shown  # the UI's words, not the ledger's



@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_dashboard_help_shows_its_whole_key_table_without_scrolling(town, language):
    seen: list[tuple] = []

    async def scenario(pilot):
        await log_in(pilot)
        await pilot.press("f1")
        await settle(pilot)
        box, keys = pilot.app.screen.query_one("#help-box"), pilot.app.screen.query_one("#help-keys")
        seen.append((keys.region, box.content_region, text_of(pilot)))

    drive(app_for(with_settings(town, language=language)), scenario, size=SMALL)
    keys, box, shown = seen[0]
    assert box.y <= keys.y and keys.bottom <= box.bottom, shown
