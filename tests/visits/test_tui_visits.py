"""The service log (F4): lists and filters, due this week, quick visits, plans, printing, roles."""

from __future__ import annotations

from datetime import date

import pytest
from ledger_fixtures import Resident, make_home
from rich.cells import cell_len
from sqlalchemy import select
from textual.widgets import Input, Select
from tui_support import app_for, drive, log_in, screen_name, settle, text_of, with_settings
from visit_fixtures import TODAY, due_for, visit_town, visits_as

import screens.visits.log
import screens.widgets.printing
from models import AuditEntry
from screens.visits.complete import CompleteVisitDialog
from screens.visits.form import NewVisitScreen
from screens.visits.tables import DueTable, VisitTable
from screens.widgets.dialogs import MessageDialog
from screens.widgets.labels import FormError

# The usual visit: F4's Ctrl+N, the resident's name, Enter, what was done, Ctrl+S.
NAME, CONTENT = "钱奶奶", "送药上门"
QUICK_VISIT = (("ctrl+n",), tuple(NAME), ("enter",), tuple(CONTENT), ("ctrl+s",))


@pytest.fixture
def town(db, community_id, clock):
    return visit_town(db, community_id, clock)


async def _open(pilot, username="admin"):
    await log_in(pilot, username=username)
    await pilot.press("f4")
    await settle(pilot)
    assert screen_name(pilot) == "VisitsScreen"


async def _keys(pilot, *keys):
    await pilot.press(*keys)
    await settle(pilot)


def _shown(pilot):
    return [visit.id for visit in pilot.app.screen.query_one(VisitTable).visits]


def _due_shown(pilot):
    return pilot.app.screen.query_one(DueTable).items


def _ids(visits):
    return [visit.id for visit in visits]


def _done_today(db, town):
    return [visit for visit in visits_as(db, town.place.director.actor) if visit.done_on == TODAY]


# --- quick visit ----------------------------------------------------------------------------


def test_a_quick_visit_from_the_picker_is_saved_in_three_keys_beyond_the_typing(db, town):
    place = town.place

    async def scenario(pilot):
        await _open(pilot, "wang")
        for group in QUICK_VISIT:
            await _keys(pilot, *group)
        assert screen_name(pilot) == "VisitsScreen"
        assert CONTENT in text_of(pilot, "#log-table")

    drive(app_for(db), scenario)
    [visit] = _done_today(db, town)
    assert (visit.person_id, visit.household_id, visit.worker_id, visit.kind, visit.content) == \
        (town.qian_home.head_id, town.qian_home.household_id, place.worker1.id, "home_visit", CONTENT)
    keys = sum(len(group) for group in QUICK_VISIT)
    assert keys - len(NAME) - len(CONTENT) == 3


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_pickers_hint_is_one_line_at_80_columns(db, town, language):
    """A hint cut over two lines at the counter's 80 columns pushed the results down a line."""
    async def scenario(pilot):
        await _open(pilot)
        await _keys(pilot, "ctrl+n")
        note = pilot.app.screen.query_one("#pick-note")
        assert note.size.height == 1 and cell_len(str(note.render())) <= note.size.width

    drive(app_for(with_settings(db, language=language)), scenario, size=(80, 24))


def test_a_whole_name_picks_its_resident_among_longer_names_and_several_ask_to_choose(db, community_id, town):
    """王大 beside 王大爷 and 王大妈: Enter after the whole name picks 王大 at once, so the content
    typed ahead lands in the form; 王 alone finds them all, and Enter says to choose in the list."""
    wang_da = make_home(db, community_id, town.place.grid1, Resident("王大", date(1950, 6, 1)))

    async def scenario(pilot):
        await _open(pilot)
        await _keys(pilot, "ctrl+n", *"王")
        await _keys(pilot, "enter")
        assert screen_name(pilot) == "PickPersonDialog"
        found = len(pilot.app.screen.hits)
        assert found >= 3 and f"找到 {found} 人:请用 ↑/↓ 选定后按 Enter" in text_of(pilot, "#pick-note")
        assert pilot.app.focused is pilot.app.screen.query_one("#pick-hits")
        await _keys(pilot, "escape", "ctrl+n", *"王大", "enter", *CONTENT, "ctrl+s")
        assert screen_name(pilot) == "VisitsScreen"

    drive(app_for(db), scenario)
    [visit] = _done_today(db, town)
    assert (visit.person_id, visit.content) == (wang_da.head_id, CONTENT)


def test_enter_moves_field_to_field_and_a_follow_up_day_plans_a_visit(db, town):
    place = town.place

    async def scenario(pilot):
        await _open(pilot)
        await _keys(pilot, "ctrl+n")
        await _keys(pilot, *NAME)
        await _keys(pilot, "enter")
        form = pilot.app.screen
        assert isinstance(form, NewVisitScreen) and form.focused.id == "content"
        await _keys(pilot, "shift+tab", "shift+tab")
        order = []
        for _ in range(5):
            order.append(form.focused.id)
            await _keys(pilot, "enter")
        assert order == ["kind", "done_on", "content", "follow_up_note", "follow_up_on"]
        assert form.focused.id == "worker"
        await _keys(pilot, "shift+tab", "shift+tab", "shift+tab")
        await _keys(pilot, *"看望", "enter", *"复查血压", "enter", *"2026-11-30", "enter")
        await _keys(pilot, "down", "down", "enter")  # open the workers, admin → li, choose
        assert form.query_one("#worker", Select).value == place.worker2.id
        await _keys(pilot, "ctrl+s")
        assert screen_name(pilot) == "VisitsScreen"

    drive(app_for(db), scenario)
    [visit] = _done_today(db, town)
    assert (visit.content, visit.worker_id, visit.follow_up_on) == ("看望", place.worker2.id, date(2026, 11, 30))
    plans = [v for v in visits_as(db, place.director.actor, worker_id=place.worker2.id) if not v.is_done]
    assert [(p.planned_on, p.person_id, p.content) for p in plans] == \
        [(date(2026, 11, 30), town.qian_home.head_id, "复查血压")]


@pytest.mark.parametrize(("content", "day", "follow_up", "message", "field"), [
    ("", "2026-11-23", "", "请填写走访内容", "content"),
    ("看望", "2026-11-30", "", "走访日期不能晚于今天", "done_on"),
    ("看望", "2026-13-45", "", "走访日期没有这一天:2026-13-45", "done_on"),
    ("看望", "11月", "", "走访日期格式不对,请按 2026-11-23 填写", "done_on"),  # the form's today as the example
    ("看望", "2026-11-23", "2026-02-30", "回访日期没有这一天:2026-02-30", "follow_up_on"),
    ("看望", "", "", "请填写走访日期", "done_on"),
    ("看望", "2026-11-23", "2026-11-20", "回访日期不能早于今天", "follow_up_on"),
    ("看望", "2026-11-23", "2026-11-23", "回访日期应晚于走访日期", "follow_up_on"),
])
def test_bad_input_names_the_field_and_saves_nothing(db, town, content, day, follow_up, message, field):
    async def scenario(pilot):
        await _open(pilot, "wang")
        await _keys(pilot, "ctrl+n")
        await _keys(pilot, *NAME)
        await _keys(pilot, "enter")
        form = pilot.app.screen
        for name, value in (("content", content), ("done_on", day), ("follow_up_on", follow_up)):
            form.query_one(f"#{name}", Input).value = value
        await _keys(pilot, "ctrl+s")
        assert pilot.app.screen is form
        assert message in str(form.query_one(FormError).render())
        assert form.focused.id == field and form.focused.has_class("-problem")

    drive(app_for(db), scenario)
    assert _done_today(db, town) == []


def test_esc_closes_the_picker_and_the_form_without_saving(db, town):
    async def scenario(pilot):
        await _open(pilot, "wang")
        await _keys(pilot, "ctrl+n")
        await _keys(pilot, "escape")
        assert screen_name(pilot) == "VisitsScreen"
        await _keys(pilot, "ctrl+n")
        await _keys(pilot, *NAME)
        await _keys(pilot, "enter")
        await _keys(pilot, "escape")  # the resident picked, nothing typed: one Esc closes
        assert screen_name(pilot) == "VisitsScreen"
        await _keys(pilot, "ctrl+n")
        await _keys(pilot, *NAME)
        await _keys(pilot, "enter", *CONTENT)
        await _keys(pilot, "escape")
        assert screen_name(pilot) == "UnsavedDialog"  # typed input is not thrown away unasked
        await _keys(pilot, "right", "enter")  # 放弃
        assert screen_name(pilot) == "VisitsScreen"

    drive(app_for(db), scenario)
    assert _done_today(db, town) == []


# --- the list and its filters ---------------------------------------------------------------


def test_filters_by_worker_grid_type_and_dates(db, town):
    place = town.place
    director = place.director.actor

    async def choose(pilot, selector, value):
        select = pilot.app.screen.query_one(selector, Select)
        if value is None:
            select.clear()
        else:
            select.value = value
        await settle(pilot)

    async def scenario(pilot):
        await _open(pilot)
        assert _shown(pilot) == _ids(visits_as(db, director)) and len(_shown(pilot)) == 5
        await _keys(pilot, "ctrl+f")
        assert pilot.app.screen.focused.id == "filter-query"  # the search comes first
        await choose(pilot, "#filter-worker", place.worker1.id)
        assert _shown(pilot) == _ids(visits_as(db, director, worker_id=place.worker1.id))
        assert len(_shown(pilot)) == 3
        await choose(pilot, "#filter-worker", None)
        await choose(pilot, "#filter-grid", place.grid2)
        assert _shown(pilot) == _ids(visits_as(db, director, grid_id=place.grid2)) and len(_shown(pilot)) == 1
        await choose(pilot, "#filter-grid", None)
        await choose(pilot, "#filter-kind", "policy")
        assert [v.content for v in pilot.app.screen.query_one(VisitTable).visits] == ["宣传医保缴费政策"]
        await choose(pilot, "#filter-kind", None)
        pilot.app.screen.query_one("#filter-from", Input).focus()
        await _keys(pilot, *"2026-11-01", "enter")
        await _keys(pilot, *"11-20", "enter")
        expected = visits_as(db, director, date_from=date(2026, 11, 1), date_to=date(2026, 11, 20))
        assert _shown(pilot) == _ids(expected)
        assert [v.done_on or v.planned_on for v in expected] == \
            [date(2026, 11, 20), date(2026, 11, 16), date(2026, 11, 2)]

    drive(app_for(db), scenario)


def test_a_bad_filter_date_is_named_and_the_list_stays(db, town):
    async def scenario(pilot):
        await _open(pilot)
        before = _shown(pilot)
        pilot.app.screen.query_one("#filter-to", Input).focus()
        await _keys(pilot, *"2026-99", "enter")
        assert "截止日期格式不对" in text_of(pilot, "#log-note")
        assert _shown(pilot) == before
        await _keys(pilot, "home", "ctrl+k", *"2026-02-30", "enter")
        assert "截止日期没有这一天:2026-02-30" in text_of(pilot, "#log-note")
        assert _shown(pilot) == before

    drive(app_for(db), scenario)


def test_a_long_list_is_capped_and_says_so(db, town, monkeypatch):
    monkeypatch.setattr(screens.visits.log, "LIST_CAP", 3)

    async def scenario(pilot):
        await _open(pilot)
        assert len(_shown(pilot)) == 3
        assert "只显示最新的 3 条" in text_of(pilot, "#log-note")

    drive(app_for(db), scenario)


def test_planned_visits_are_marked_and_enter_shows_a_visit_in_full(db, town):
    async def scenario(pilot):
        await _open(pilot)
        rows = text_of(pilot, "#log-table").splitlines()
        assert "计划" in rows[1] and "逾期" in rows[2] and "计划" not in rows[3] and "逾期" not in rows[3]
        await _keys(pilot, "down", "down", "enter")
        dialog = pilot.app.screen
        assert isinstance(dialog, MessageDialog) and "宣传医保缴费政策" in dialog.message
        assert "2026-11-30" not in dialog.message and "王网格" in dialog.message

    drive(app_for(db), scenario)


# --- due this week ----------------------------------------------------------------------------


def test_a_grid_worker_sees_their_own_due_list_overdue_first(db, town):
    place = town.place

    async def scenario(pilot):
        await _open(pilot, "wang")
        await _keys(pilot, "ctrl+w")
        items = _due_shown(pilot)
        assert items == due_for(db, place.worker1.actor, place.worker1.id)
        assert [item.person_name for item in items] == ["王大爷", "王大妈", "钱奶奶", ""]
        assert [item.overdue for item in items] == [True, True, False, False]
        assert not pilot.app.screen.query_one("#due-worker").display
        assert "逾期 23 天" in text_of(pilot, "#due-table")
        assert "其中逾期 2 项" in text_of(pilot, "#due-note")

    drive(app_for(db), scenario)


def test_others_choose_whose_due_list(db, town):
    place = town.place

    async def scenario(pilot):
        await _open(pilot)
        await _keys(pilot, "ctrl+w")
        assert len(_due_shown(pilot)) == 5
        pilot.app.screen.query_one("#due-worker", Select).value = place.worker2.id
        await settle(pilot)
        assert [item.person_name for item in _due_shown(pilot)] == ["赵奶奶"]
        assert "今天" in text_of(pilot, "#due-table")

    drive(app_for(db), scenario)


def test_enter_on_a_due_resident_logs_a_visit_to_them(db, town):
    place = town.place

    async def scenario(pilot):
        await _open(pilot, "wang")
        await _keys(pilot, "ctrl+w")
        await _keys(pilot, "enter")  # 王大爷, 23 days late
        form = pilot.app.screen
        assert isinstance(form, NewVisitScreen) and "王大爷" in text_of(pilot, "#visit-target")
        await _keys(pilot, *"身体好", "ctrl+s")
        assert [item.person_name for item in _due_shown(pilot)] == ["王大妈", "钱奶奶", ""]

    drive(app_for(db), scenario)
    [visit] = _done_today(db, town)
    assert (visit.person_id, visit.worker_id, visit.content) == (town.wang_home.head_id, place.worker1.id, "身体好")


# --- planned visits ---------------------------------------------------------------------------


def test_completing_a_planned_visit(db, town):
    async def scenario(pilot):
        await _open(pilot, "wang")
        await _keys(pilot, "ctrl+d")  # the newest row is a plan for Friday: not this one
        await _keys(pilot, "escape")
        await _keys(pilot, "down", "down", "ctrl+d")  # a done visit: nothing to complete
        assert screen_name(pilot) == "VisitsScreen"
        await _keys(pilot, "up", "ctrl+d")  # 王大妈's plan of 11-20
        dialog = pilot.app.screen
        assert isinstance(dialog, CompleteVisitDialog) and "王大妈" in dialog.message
        await _keys(pilot, *"药已备齐", "enter")
        assert screen_name(pilot) == "VisitsScreen"

    drive(app_for(db), scenario)
    visit = next(v for v in visits_as(db, town.place.director.actor) if v.id == town.late_plan_id)
    assert (visit.done_on, visit.content, visit.planned_on) == (TODAY, "药已备齐", date(2026, 11, 20))


def test_enter_on_a_due_plan_completes_it_and_empty_content_is_refused(db, town):
    async def scenario(pilot):
        await _open(pilot, "wang")
        await _keys(pilot, "ctrl+w")
        await _keys(pilot, "down", "enter")  # 王大妈's plan
        dialog = pilot.app.screen
        assert isinstance(dialog, CompleteVisitDialog)
        await _keys(pilot, "ctrl+s")
        assert pilot.app.screen is dialog and "请填写走访内容" in str(dialog.query_one(FormError).render())
        for typed, message in (("11-31", "走访日期没有这一天:11-31"), ("11月", "走访日期格式不对,请按 2026-11-23 填写")):
            dialog.query_one("#done_on", Input).value = typed
            await _keys(pilot, "ctrl+s")
            assert pilot.app.screen is dialog and message in str(dialog.query_one(FormError).render())
        await _keys(pilot, "escape")

    drive(app_for(db), scenario)
    visit = next(v for v in visits_as(db, town.place.director.actor) if v.id == town.late_plan_id)
    assert not visit.is_done


# --- printing ---------------------------------------------------------------------------------


def _prints(db):
    with db.session() as session:
        return list(session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "print")
                                    .order_by(AuditEntry.id)))


def test_f9_prints_the_workers_week_and_ctrl_b_a_blank_sheet(db, town, monkeypatch):
    monkeypatch.setattr(screens.widgets.printing, "has_printer", lambda: False)

    async def scenario(pilot):
        await _open(pilot, "wang")
        await _keys(pilot, "ctrl+w", "f9")
        await _keys(pilot, "ctrl+b")

    drive(app_for(db), scenario)
    week, blank = _prints(db)
    assert week.startswith("走访记录表 王网格 2026-11-23~2026-11-29") and blank.startswith("走访记录表(空白)")
    for detail in (week, blank):
        path = detail.split(":", 1)[1]
        with open(path, "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"


def test_printing_the_log_needs_a_worker_in_the_filter_or_uses_the_user(db, town, monkeypatch):
    monkeypatch.setattr(screens.widgets.printing, "has_printer", lambda: False)
    place = town.place

    async def scenario(pilot):
        await _open(pilot, "jiedao")  # a street account makes no visits
        await _keys(pilot, "f9")
        assert _prints(db) == []
        pilot.app.screen.query_one("#filter-worker", Select).value = place.worker2.id
        await _keys(pilot, "f9")

    drive(app_for(db), scenario)
    [detail] = _prints(db)
    assert detail.startswith("走访记录表 李网格 2026-11-23~2026-11-29")


# --- roles ------------------------------------------------------------------------------------


def test_a_grid_worker_sees_only_their_grids(db, town):
    place = town.place

    async def scenario(pilot):
        await _open(pilot, "li")
        assert _shown(pilot) == _ids(visits_as(db, place.worker2.actor))
        assert [v.grid_id for v in pilot.app.screen.query_one(VisitTable).visits] == [place.grid2]
        await _keys(pilot, "ctrl+w")
        assert [item.person_name for item in _due_shown(pilot)] == ["赵奶奶"]
        await _keys(pilot, "ctrl+n")
        await _keys(pilot, *"王大爷")
        assert pilot.app.screen.hits == []

    drive(app_for(db), scenario)


def _usable_keys(pilot):
    """Binding ids the user can press here (the footer shows those marked to show, F1 all)."""
    return {binding.id for _node, binding, enabled, _tip in pilot.app.screen.active_bindings.values()
            if enabled}


def test_the_street_role_reads_but_cannot_log(db, town):
    async def scenario(pilot):
        await _open(pilot, "jiedao")
        assert len(_shown(pilot)) == 5
        keys = _usable_keys(pilot)
        assert "visits.new" not in keys and "visits.complete" not in keys and "screen.print" in keys
        assert "新建" not in text_of(pilot, "Footer")
        await _keys(pilot, "ctrl+n")
        assert screen_name(pilot) == "VisitsScreen"
        await _keys(pilot, "ctrl+w", "enter")  # a due resident: the refusal, no form
        assert isinstance(pilot.app.screen, MessageDialog)
        assert "街道管理员无权登记走访记录" in pilot.app.screen.message
        await _keys(pilot, "escape")
        pilot.app.push_screen(NewVisitScreen())  # as the Ctrl+P palette would
        await settle(pilot)
        assert "街道管理员无权登记走访记录" in pilot.app.screen.message

    drive(app_for(db), scenario)
    assert _done_today(db, town) == []


def test_staff_see_the_write_keys(db, town):
    async def scenario(pilot):
        await _open(pilot, "zhao")
        assert {"visits.new", "visits.complete", "screen.print", "visits.print_blank"} <= _usable_keys(pilot)

    drive(app_for(db), scenario)


def test_f1_lists_every_key_of_the_service_log(db, town):
    async def scenario(pilot):
        await _open(pilot)
        await _keys(pilot, "f1")
        shown = text_of(pilot)
        assert "走访记录:上方筛选栏" in shown
        for key, text in (("Ctrl+N", "新建"), ("Ctrl+D", "完成"), ("Ctrl+W", "切换"), ("Ctrl+F", "筛选"),
                          ("F9", "打印"), ("Ctrl+B", "空白表")):
            assert key in shown and text in shown

    drive(app_for(db), scenario)


def test_a_visit_saved_from_the_palette_form_shows_in_the_list(db, town):
    async def scenario(pilot):
        await _open(pilot, "wang")
        pilot.app.push_screen(NewVisitScreen())  # what the Ctrl+P command "新建走访" opens
        await settle(pilot)
        await _keys(pilot, *NAME)
        await _keys(pilot, "enter", *CONTENT, "ctrl+s")
        assert screen_name(pilot) == "VisitsScreen"
        assert _shown(pilot) == _ids(visits_as(db, town.place.worker1.actor)) and CONTENT in text_of(pilot)

    drive(app_for(db), scenario)
