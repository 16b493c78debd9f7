"""The log file never holds ID or phone numbers; unexpected errors are logged, shown generically."""

from __future__ import annotations

import logging

from tui_support import app_for, drive, make_admin, screen_name, settle, text_of, with_settings

from screens.logging_setup import LOGGER_NAME, MASK, scrub, setup_logging

ID_NUMBER = "11010519491231002X"


def test_scrub_hides_ids_and_phones_but_not_other_numbers():
    text = f"身份证 {ID_NUMBER} 旧证 110105491231002 手机 13812341234 座机 010-62345678 户号 H0001 共 12345 人"
    assert scrub(text) == f"身份证 {MASK} 旧证 {MASK} 手机 {MASK} 座机 {MASK} 户号 H0001 共 12345 人"


def test_the_log_file_gets_scrubbed_messages_and_tracebacks(tmp_path):
    path = setup_logging(tmp_path)
    logger = logging.getLogger(LOGGER_NAME)
    try:
        raise ValueError(f"duplicate key ({ID_NUMBER}) phone=13812341234")
    except ValueError:
        logger.exception("saving %s failed", ID_NUMBER)
    for handler in logger.handlers:
        handler.flush()
    written = path.read_text(encoding="utf-8")
    assert "ValueError" in written and "saving [已隐藏] failed" in written
    assert ID_NUMBER not in written and "13812341234" not in written
    _remove_file_handlers(logger)


def _remove_file_handlers(logger: logging.Logger) -> None:
    for handler in list(logger.handlers):
        if isinstance(handler, logging.FileHandler):
            logger.removeHandler(handler)
            handler.close()


def test_an_unexpected_error_shows_a_generic_message_and_logs_the_detail(db, tmp_path):
    make_admin(db)
    path = setup_logging(tmp_path)

    def broken_service(uow):
        raise RuntimeError(f"boom {ID_NUMBER}")

    async def scenario(pilot):
        screen = pilot.app.screen
        screen.call(broken_service, on_done=lambda _result: None)
        await settle(pilot)
        assert screen_name(pilot) == "MessageDialog"
        shown = text_of(pilot)
        assert "系统错误" in shown and "详细信息已写入日志文件" in shown and "boom" not in shown
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(pilot) == "LoginScreen"

    drive(app_for(db), scenario)
    written = path.read_text(encoding="utf-8")
    assert "RuntimeError: boom [已隐藏]" in written and ID_NUMBER not in written
    _remove_file_handlers(logging.getLogger(LOGGER_NAME))


def refusing_service(uow):
    from station.errors import ValidationError

    raise ValidationError("visits.content_missing", field="content")


def test_an_expected_error_shows_its_chinese_message(db):
    make_admin(db)

    async def scenario(pilot):
        pilot.app.screen.call(refusing_service, on_done=lambda _result: None)
        await settle(pilot)
        assert screen_name(pilot) == "MessageDialog"
        assert "输入有误" in text_of(pilot) and "请填写走访内容" in text_of(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(pilot) == "LoginScreen"

    drive(app_for(db), scenario)


def test_an_expected_error_shows_in_the_apps_language(db):
    make_admin(db)
    with_settings(db, language="en")

    async def scenario(pilot):
        pilot.app.screen.call(refusing_service, on_done=lambda _result: None)
        await settle(pilot)
        assert screen_name(pilot) == "MessageDialog"
        shown = text_of(pilot)
        assert "Invalid input" in shown and "Please enter what the visit was about" in shown
        assert "输入有误" not in shown and "请填写" not in shown

    drive(app_for(db), scenario)
