"""Chinese line breaking: no line starts with , 、 。 (and the like) or ends with “ ( 《."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from screens.widgets.line_breaks import NO_LINE_END, NO_LINE_START, break_lines

SUMMARY = "“王小明”于 2026-11-23 从 H000001 户转入 H000002 户,与户主关系:子。请注意:“王大妈”为女性,与户主关系却是“子”,请核实。"


@pytest.mark.parametrize("width", range(8, 61))
def test_no_line_starts_with_a_closing_mark_at_any_width(width):
    lines = break_lines(SUMMARY, width)
    assert all(cell_len(line) <= width for line in lines)
    assert not any(line[0] in NO_LINE_START for line in lines if line)
    assert not any(line[-1] in NO_LINE_END for line in lines[:-1] if line)
    assert "".join(lines).replace(" ", "") == SUMMARY.replace(" ", "")


def test_a_comma_at_the_break_takes_the_character_before_it_along():
    assert break_lines("一二三四,五六", 8) == ["一二三", "四,五六"]


def test_paragraphs_and_latin_words_stay_as_written():
    assert break_lines("第一行\nabc defgh", 6) == ["第一行", "abc", "defgh"]


def test_a_dialogs_message_never_starts_a_line_with_a_comma(db, community_id):
    from tui_support import app_for, drive, settle, text_of

    from screens.widgets.dialogs import ConfirmDialog

    async def scenario(pilot):
        width = 54  # the message's width in a 60-column dialog box (border and padding off)
        message = "字" * (width // 2 - 1) + "王,请核实"
        pilot.app.push_screen(ConfirmDialog("请确认", message))
        await settle(pilot)
        lines = [line.strip() for line in text_of(pilot, "#dialog-message").splitlines() if line.strip()]
        assert len(lines) == 2 and lines[1] == "王,请核实", lines

    drive(app_for(db), scenario)
