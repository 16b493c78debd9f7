"""One rule for the days and months people type: forms, the CLI and the import read them alike."""

from __future__ import annotations

from datetime import date

import pytest

from station.dates import NoSuchDay, NotADay, parse_day, parse_month, try_day

TODAY = date(2026, 12, 3)


@pytest.mark.parametrize("typed", ["2026-11-23", "2026/11/23", "2026.11.23", "20261123", "2026年11月23日",
                                   "2026年11月23", "２０２６－１１－２３", " 2026-11-23 ", "2026 - 11 - 23"])
def test_a_full_day_reads_the_same_however_it_is_typed(typed):
    assert parse_day(typed) == date(2026, 11, 23)


@pytest.mark.parametrize("typed", ["11-23", "11/23", "11.23", "11月23日", "１１-２３"])
def test_a_short_day_is_this_year_where_the_form_knows_today(typed):
    assert parse_day(typed, TODAY) == date(2026, 11, 23)
    with pytest.raises(NotADay):
        parse_day(typed)  # the import has no "this year" to assume


def test_nothing_typed_is_none_and_not_a_day_is_an_error():
    assert parse_day("") is None and parse_day("  ") is None and parse_day(None) is None
    with pytest.raises(NotADay):
        parse_day("abc")
    with pytest.raises(NotADay):
        parse_day("1850-01-01")
    for impossible in ("2026-02-30", "2026-13-01", "02-30"):  # a day that does not exist says so
        with pytest.raises(NoSuchDay):
            parse_day(impossible, TODAY)
    assert try_day("2026-02-30") is None and try_day("x", TODAY) is None


@pytest.mark.parametrize("typed", ["2026-10", "2026/10", "2026.10", "202610", "2026年10月", "２０２６-１０"])
def test_a_month_reads_the_same_however_it_is_typed(typed):
    assert parse_month(typed) == (2026, 10)


@pytest.mark.parametrize("typed", ["", "2026-13", "十月", "1999-10", "26-10"])
def test_not_a_month_is_refused(typed):
    with pytest.raises(ValueError):
        parse_month(typed)


def test_the_cli_and_the_import_use_the_same_rule():
    from cli_reports import parse_day as cli_day
    from cli_reports import parse_month as cli_month
    from station.errors import ValidationError
    from station.imports.cells import date_value

    assert cli_month("2026年10月") == (2026, 10)
    assert cli_day("２０２６/１１/０１", "from") == date(2026, 11, 1)
    assert date_value("2020年1月5日", "birth_date", "出生日期") == date(2020, 1, 5)
    assert date_value("2020-01-05 00:00:00", "birth_date", "出生日期") == date(2020, 1, 5)
    with pytest.raises(ValidationError, match="不存在"):
        date_value("2020-02-30", "birth_date", "出生日期")
    with pytest.raises(ValidationError, match="无法识别"):
        date_value("1-5", "birth_date", "出生日期")
