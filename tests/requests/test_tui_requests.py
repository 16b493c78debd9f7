"""Residents' requests at the counter: the list (order, colours, filters, cap, scope), the whole
loop through the UI, receiving (a missing category saves nothing), role limits and the receipt."""

from __future__ import annotations

from pathlib import Path

import pytest
from request_fixtures import CONTACT_PHONE, build_desk, with_logins
from sqlalchemy import select
from textual.widgets import Select
from tui_support import app_for, drive, log_in, make_user, screen_name, settle, text_of, type_into

from models import AuditEntry
from screens.i18n import LANGUAGES, Catalogue
from screens.requests import screen as requests_screen
from screens.requests.actions import RequestActionDialog
from screens.requests.form import ReceiveRequestScreen
from screens.requests.screen import RequestTable
from screens.requests.text import LIST_COLUMNS
from screens.widgets.dialogs import ConfirmDialog, MessageDialog
from station.actor import Actor
from station.requests import workflow as requests
from station.requests.rules import CHANNELS, SATISFACTIONS, STATES, TIMINGS, URGENCIES
from station.requests.views import request_page
from station.uow import UnitOfWork

STEPS = ("assign", "start", "close", "rate", "reopen")
STEP_NAMES = {"assign": "分派", "start": "开始处置", "close": "办结", "rate": "回访评价", "reopen": "重新打开"}


@pytest.fixture
def desk(db, community_id, clock):
    desk = build_desk(db, community_id, clock)
    with_logins(db, desk)
    return desk


@pytest.fixture(autouse=True)
def no_printer(monkeypatch):
    # The receipt is written to the reports folder; no test sends it to a real printer.
    monkeypatch.setattr("screens.widgets.printing.has_printer", lambda: False)


def _system(db) -> UnitOfWork:
    return UnitOfWork(db, Actor(None, "tests", "admin", None))


def _stored(db, request_id):
    with _system(db) as uow:
        return requests.get_request(uow, request_id).request


def _all_numbers(db) -> list[str]:
    with _system(db) as uow:
        return [r.number for r in request_page(uow, open_only=False).requests]


def _shown(pilot) -> list[str]:
    return [request.number for request in pilot.app.screen.page.requests]


def _footer(pilot) -> str:
    return text_of(pilot, "Footer")


async def _open_list(pilot, username: str = "admin") -> None:
    await log_in(pilot, username)
    await pilot.press("f5")
    await settle(pilot)
    assert screen_name(pilot) == "RequestsScreen"


async def _open_request(pilot, number: str) -> None:
    table = pilot.app.screen.query_one(RequestTable)
    table.focus()
    table.move_cursor(row=_shown(pilot).index(number))
    await pilot.press("enter")
    await settle(pilot)
    assert screen_name(pilot) == "RequestDetailScreen"


async def _step(pilot, key: str, text: str = "", choice=None) -> None:
    """Press a step's key, fill its dialog and confirm with Enter."""
    await pilot.press(key)
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, RequestActionDialog), screen_name(pilot)
    if choice is not None:
        dialog.query_one(Select).value = choice
    await type_into(pilot, "#action-text", text)
    await pilot.press("enter")
    await settle(pilot)


def _row_styles(pilot) -> list[str]:
    table = pilot.app.screen.query_one(RequestTable)
    return [str(table.get_row_at(index)[0].style) for index in range(table.row_count)]


# --- the list -------------------------------------------------------------------------------


def test_open_requests_sort_by_urgency_then_deadline_and_colour_their_time_limit(db, desk, clock):
    async def scenario(pilot):
        await _open_list(pilot)
        assert _shown(pilot) == desk.open_order
        assert _row_styles(pilot) == ["", "bold yellow", "", "bold red"]
        shown = text_of(pilot, "#request-list")
        assert "剩 1时30分" in shown and "超 1天0时" in shown and "剩 7天0时" in shown
        assert "共 4 件,其中超期 1 件、临期 1 件" in text_of(pilot, "#list-note")
        clock.advance(hours=1)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert _row_styles(pilot)[0] == "bold yellow"  # 90 minutes of 120 used
        clock.advance(hours=1, minutes=5)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert _row_styles(pilot)[0] == "bold red" and "超 35分" in text_of(pilot, "#request-list")
        assert "超期 2 件" in text_of(pilot, "#list-note")

    drive(app_for(db), scenario)


def test_filters_show_all_one_state_or_mine(db, desk):
    with UnitOfWork(db, desk.place.director.actor) as uow:
        requests.assign(uow, desk.fresh.id, desk.place.worker1.id, desk.fresh.version)

    async def scenario(pilot):
        await _open_list(pilot, "wang")
        screen = pilot.app.screen
        screen.query_one("#show", Select).value = "all"
        await settle(pilot)
        assert _shown(pilot) == [desk.urgent.number, desk.fresh.number, desk.overdue.number,
                                 desk.rated.number]
        screen.query_one("#state", Select).value = "rated"
        await settle(pilot)
        assert _shown(pilot) == [desk.rated.number]
        screen.query_one("#state", Select).value = "any"
        screen.query_one("#show", Select).value = "open"
        screen.query_one("#whose", Select).value = "mine"
        await settle(pilot)
        assert _shown(pilot) == [desk.fresh.number]

    drive(app_for(db), scenario)


def test_a_long_list_is_capped_and_says_so(db, desk, monkeypatch):
    monkeypatch.setattr(requests_screen, "LIST_LIMIT", 2)

    async def scenario(pilot):
        await _open_list(pilot)
        assert _shown(pilot) == desk.open_order[:2]
        assert "只显示最紧迫的前 2 件" in text_of(pilot, "#list-note")

    drive(app_for(db), scenario)


def test_a_grid_worker_sees_only_their_grid(db, desk):
    async def scenario(pilot):
        await _open_list(pilot, "li")
        pilot.app.screen.query_one("#show", Select).value = "all"
        await settle(pilot)
        assert _shown(pilot) == [desk.at_risk.number]
        assert desk.urgent.number not in text_of(pilot)

    drive(app_for(db), scenario)


# --- the loop -------------------------------------------------------------------------------


def test_the_whole_loop_through_the_ui(db, desk):
    fresh = desk.fresh

    async def scenario(pilot):
        await _open_list(pilot)
        await _open_request(pilot, fresh.number)
        assert "138****8000" in text_of(pilot) and CONTACT_PHONE not in text_of(pilot)
        assert "Ctrl+D 分派" in _footer(pilot) and "开始处置" not in _footer(pilot)
        await _step(pilot, "ctrl+d", "请尽快上门", choice=desk.place.worker1.id)
        stored = _stored(db, fresh.id)
        assert (stored.state, stored.assignee_id) == ("assigned", desk.place.worker1.id)
        assert "王网格" in text_of(pilot, "#request-fields") and "请尽快上门" in text_of(pilot, "#events-box")
        await _step(pilot, "ctrl+g")
        assert _stored(db, fresh.id).state == "in_progress"
        await _step(pilot, "ctrl+e", "")
        assert isinstance(pilot.app.screen, RequestActionDialog)
        assert "请填写办理结果" in text_of(pilot, "#action-error")
        assert _stored(db, fresh.id).state == "in_progress"
        await type_into(pilot, "#action-text", "已更换水管")
        await pilot.press("enter")
        await settle(pilot)
        assert _stored(db, fresh.id).state == "closed"
        assert "Ctrl+F 回访评价" in _footer(pilot) and "Ctrl+O 重新打开" in _footer(pilot)
        await _step(pilot, "ctrl+f", "师傅很负责", choice="very_satisfied")
        stored = _stored(db, fresh.id)
        assert (stored.state, stored.satisfaction, stored.feedback) == ("rated", "very_satisfied", "师傅很负责")
        assert "非常满意" in text_of(pilot, "#request-fields")
        assert "回访评价" not in _footer(pilot) and "分派" not in _footer(pilot)
        await _step(pilot, "ctrl+o", "又漏了")
        stored = _stored(db, fresh.id)
        assert (stored.state, stored.reopen_count, stored.satisfaction) == ("in_progress", 1, "")
        with _system(db) as uow:
            events = requests.get_request(uow, fresh.id).events
        assert [event.to_state for event in events] == ["received", "assigned", "in_progress", "closed",
                                                        "rated", "in_progress"]
        assert events[-1].note == "又漏了" and "又漏了" in text_of(pilot, "#events-box")
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(pilot) == "RequestsScreen"
        assert "处置中" in text_of(pilot, "#request-list")  # the list was read again

    drive(app_for(db), scenario, size=(100, 50))


def test_a_cancelled_step_changes_nothing(db, desk):
    async def scenario(pilot):
        await _open_list(pilot)
        await _open_request(pilot, desk.fresh.number)
        await pilot.press("ctrl+d")
        await settle(pilot)
        await pilot.press("tab", "enter")  # Enter in the note with no assignee: a message, nothing sent
        await settle(pilot)
        assert "请选择承办人" in text_of(pilot, "#action-error")
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(pilot) == "RequestDetailScreen"
        assert _stored(db, desk.fresh.id).version == desk.fresh.version

    drive(app_for(db), scenario)


def test_a_stale_request_shows_the_conflict_and_reads_it_again(db, desk):
    async def scenario(pilot):
        await _open_list(pilot)
        await _open_request(pilot, desk.fresh.number)
        with UnitOfWork(db, desk.place.director.actor) as uow:  # another clerk, meanwhile
            requests.assign(uow, desk.fresh.id, desk.place.worker1.id, desk.fresh.version)
        await _step(pilot, "ctrl+d", choice=desk.place.staff.id)
        assert isinstance(pilot.app.screen, MessageDialog)
        assert "已被其他人修改" in text_of(pilot) and "已重新读取" in text_of(pilot)
        assert _stored(db, desk.fresh.id).assignee_id == desk.place.worker1.id
        await pilot.press("escape")
        await settle(pilot)
        assert "王网格" in text_of(pilot, "#request-fields")

    drive(app_for(db), scenario)


# --- receiving ------------------------------------------------------------------------------


async def _receive_form(pilot, username: str) -> None:
    await _open_list(pilot, username)
    await pilot.press("ctrl+n")
    await settle(pilot)
    assert screen_name(pilot) == "ReceiveRequestScreen"


def test_a_request_without_category_or_description_is_refused(db, desk):
    before = _all_numbers(db)

    async def scenario(pilot):
        await _receive_form(pilot, "clerk")
        await type_into(pilot, "#description", "楼上噪音扰民")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "ReceiveRequestScreen"
        assert "请选择诉求类别" in text_of(pilot, "#form-error")
        assert pilot.app.screen.focused.id == "category"
        pilot.app.screen.query_one("#category", Select).value = "dispute"
        pilot.app.screen.query_one("#description").value = "  "
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "请填写诉求内容" in text_of(pilot, "#form-error")
        assert pilot.app.screen.focused.id == "description"

    drive(app_for(db), scenario)
    assert _all_numbers(db) == before


def test_receive_with_a_linked_resident_then_print_the_receipt(db, desk, settings):
    async def scenario(pilot):
        await _receive_form(pilot, "clerk")
        pilot.app.screen.query_one("#category", Select).value = "elderly"
        await pilot.press("ctrl+f")
        await settle(pilot)
        await pilot.press(*"王大爷")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "王大爷 · 户号" in text_of(pilot, "#resident") and "一网格" in text_of(pilot, "#resident")
        assert pilot.app.screen.query_one("#grid", Select).value == desk.place.grid1
        await type_into(pilot, "#description", "想申请助餐服务")
        await type_into(pilot, "#contact_phone", "13912345678")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmDialog) and "打印受理回执" in text_of(pilot)
        await pilot.click("#yes")
        await settle(pilot)
        assert screen_name(pilot) == "RequestDetailScreen"
        assert "139****5678" in text_of(pilot, "#request-fields")

    drive(app_for(db), scenario)
    with _system(db) as uow:
        new = request_page(uow).requests[2]  # normal, due in a week, received after the fixture's
    assert (new.category, new.channel, new.grid_id, new.person_id, new.household_id) == \
        ("elderly", "window", desk.place.grid1, desk.home.head_id, desk.home.household_id)
    assert (new.description, new.contact_name, new.contact_phone) == ("想申请助餐服务", "王大爷", "13912345678")
    _assert_printed(db, settings, new)


def _assert_printed(db, settings, request) -> None:
    """A receipt PDF of the request under the reports folder, and its audit entry."""
    from reports_support import pdf_text, squeeze

    folder = Path(settings.resolve(settings.reports.folder))
    files = sorted(folder.rglob("*.pdf"))
    assert len(files) == 1
    assert request.number in squeeze(pdf_text(files[0], layout=False))
    with db.session() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "print")).all()
    assert [(entry.entity, entry.entity_id) for entry in entries] == [("request", request.id)]
    assert "居民诉求受理回执" in entries[0].detail and str(files[0]) in entries[0].detail


def test_f9_on_the_list_prints_the_selected_receipt(db, desk, settings):
    async def scenario(pilot):
        await _open_list(pilot)
        await pilot.press("f9")
        await settle(pilot)

    drive(app_for(db), scenario)
    _assert_printed(db, settings, desk.urgent)


def test_the_receive_screen_opens_without_arguments_and_esc_goes_back(db, desk):
    async def scenario(pilot):
        await log_in(pilot)
        await pilot.app.push_screen(ReceiveRequestScreen())
        await settle(pilot)
        assert "受理居民诉求" in text_of(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(pilot) == "DashboardScreen"

    drive(app_for(db), scenario)


# --- roles ----------------------------------------------------------------------------------


def _close(db, desk, request):
    with UnitOfWork(db, desk.place.director.actor) as uow:
        request = requests.assign(uow, request.id, desk.place.worker1.id, request.version)
        request = requests.start(uow, request.id, request.version)
        return requests.close(uow, request.id, "已处理", request.version)


def test_a_clerk_receives_and_rates_but_does_not_assign_handle_or_reopen(db, desk):
    closed = _close(db, desk, desk.fresh)

    async def scenario(pilot):
        await _open_list(pilot, "clerk")
        assert "Ctrl+N 受理诉求" in _footer(pilot)
        await _open_request(pilot, desk.urgent.number)
        assert not any(name in _footer(pilot) for name in STEP_NAMES.values())
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert screen_name(pilot) == "RequestDetailScreen"  # the key does nothing
        await pilot.press("escape")
        await settle(pilot)
        pilot.app.screen.query_one("#show", Select).value = "all"
        await settle(pilot)
        await _open_request(pilot, closed.number)
        assert "回访评价" in _footer(pilot) and "重新打开" not in _footer(pilot)
        await _step(pilot, "ctrl+f", choice="basic")
        assert _stored(db, closed.id).state == "rated"

    drive(app_for(db), scenario)
    assert _stored(db, desk.urgent.id).version == desk.urgent.version


def test_a_grid_worker_receives_into_their_grid_and_handles_what_is_assigned(db, desk):
    with UnitOfWork(db, desk.place.director.actor) as uow:
        requests.assign(uow, desk.urgent.id, desk.place.worker1.id, desk.urgent.version)

    async def scenario(pilot):
        await _open_list(pilot, "wang")
        await _open_request(pilot, desk.fresh.number)
        assert not any(name in _footer(pilot) for name in STEP_NAMES.values())  # received: not theirs yet
        await pilot.press("escape")
        await settle(pilot)
        await _open_request(pilot, desk.urgent.number)
        assert "开始处置" in _footer(pilot) and "分派" not in _footer(pilot)
        await _step(pilot, "ctrl+g")
        await _step(pilot, "ctrl+e", "已清理通道")
        assert "回访评价" not in _footer(pilot) and "重新打开" not in _footer(pilot)
        await pilot.press("escape", "ctrl+n")
        await settle(pilot)
        form = pilot.app.screen
        assert form.query_one("#channel", Select).value == "grid_report"
        assert form.query_one("#grid", Select).value == desk.place.grid1
        form.query_one("#category", Select).value = "environment"
        await type_into(pilot, "#description", "绿化带有垃圾")
        await pilot.press("ctrl+s")
        await settle(pilot)

    drive(app_for(db), scenario)
    stored = _stored(db, desk.urgent.id)
    assert (stored.state, stored.result) == ("closed", "已清理通道")
    with _system(db) as uow:
        received = [r for r in request_page(uow).requests if r.description == "绿化带有垃圾"]
    assert [(r.grid_id, r.channel) for r in received] == [(desk.place.grid1, "grid_report")]


def test_a_role_that_may_not_receive_has_no_receive_key(db, desk):
    make_user(db, "jiedao", "street", None, name="街道甲")

    async def scenario(pilot):
        await _open_list(pilot, "jiedao")
        assert _shown(pilot) == desk.open_order
        assert "受理诉求" not in _footer(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert screen_name(pilot) == "RequestsScreen"
        await _open_request(pilot, desk.fresh.number)
        assert not any(name in _footer(pilot) for name in STEP_NAMES.values())
        assert "F9 打印" in _footer(pilot)

    drive(app_for(db), scenario)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_request_keys_built_from_names_exist(language):
    """Keys the request screens build with f-strings (the i18n test only sees literal ones)."""
    keys = {f"requests.col_{column}" for column in LIST_COLUMNS}
    keys |= {f"requests.state.{code}" for code in STATES} | {f"requests.urgency.{code}" for code in URGENCIES}
    keys |= {f"requests.channel.{code}" for code in CHANNELS}
    keys |= {f"requests.satisfaction.{code}" for code in SATISFACTIONS}
    keys |= {f"requests.timing.{code}" for code in TIMINGS}
    keys |= {f"request_action.{step}_{part}" for step in STEPS for part in ("title", "prompt", "placeholder")}
    keys |= {f"request_action.done_{step}" for step in STEPS}
    keys |= {f"request_action.{step}_choice" for step in ("assign", "rate")}
    keys |= {f"request_detail.field_{name}" for name in (
        "received", "channel", "category", "urgency", "grid", "household", "person", "contact", "phone",
        "received_by", "assignee", "deadline", "closed", "reopened", "description", "result",
        "satisfaction", "feedback")}
    keys |= {f"request_detail.col_{column}" for column in ("at", "step", "user", "note")}
    keys |= {f"request_form.{field}" for field in ("contact_name", "contact_phone")}
    keys |= {f"help.{topic}.text" for topic in ("requests", "request_detail", "request_form")}
    missing = sorted(key for key in keys if not Catalogue(language).has(key))
    assert missing == []


def test_a_long_description_and_note_show_whole_at_80_columns(db, desk):
    """Chinese has no spaces to wrap at: a long text folds onto the next lines instead of being cut
    with "…" (nothing else on the screen shows it)."""
    long = "楼道灯坏了三天晚上老人上下楼看不清已经有人摔倒过请尽快派电工来更换灯泡并检查线路是否老化"
    with UnitOfWork(db, desk.place.director.actor) as uow:
        request = requests.receive(uow, channel="window", category="property", urgency="normal",
                                   description=long, household_id=desk.home.household_id)
        requests.assign(uow, request.id, desk.place.worker1.id, request.version, note=long[::-1])

    async def scenario(pilot):
        await _open_list(pilot)
        await _open_request(pilot, request.number)
        assert long in "".join(text_of(pilot, "#request-fields").split())
        assert long[::-1] in "".join(text_of(pilot, "#events-box").split()).replace("│", "")

    drive(app_for(db), scenario, size=(80, 24))
