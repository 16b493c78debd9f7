"""Resident ID numbers: GB 11643-1999 check, parsing, normalising and masking."""

from __future__ import annotations

from datetime import date

import pytest

from station.errors import ValidationError
from station.idcard import (
    IdInfo,
    age_on,
    birth_date_from_id,
    check_char,
    is_valid_id,
    mask_id,
    normalize_id,
    parse_id,
    sex_from_id,
)

TODAY = date(2024, 6, 1)


def refusal(raw: str, **kwargs) -> ValidationError:
    """The ValidationError parse_id raises for `raw`."""
    with pytest.raises(ValidationError) as caught:
        parse_id(raw, today=TODAY, **kwargs)
    return caught.value


def test_check_char_matches_the_standard_vectors():
    assert check_char("11010519491231002") == "X"
    assert check_char("44052418800101001") == "4"


def test_check_char_needs_17_digits():
    with pytest.raises(ValueError):
        check_char("1101051949123100")


def test_valid_female_born_1949():
    info = parse_id("11010519491231002X", today=TODAY)
    assert info == IdInfo("11010519491231002X", date(1949, 12, 31), "2", "110105")


def test_valid_male_born_1880_is_the_lower_bound():
    info = parse_id("440524188001010014", today=TODAY)
    assert info.birth_date == date(1880, 1, 1)
    assert info.sex == "1"
    assert info.region == "440524"


def test_wrong_check_character_is_refused_without_revealing_it():
    error = refusal("110105194912310021")
    assert error.field == "id_number"
    assert "校验位" in error.message
    assert "X" not in error.message


def test_month_17_is_not_a_date():
    error = refusal("210102198617083732")
    assert error.field == "id_number"
    assert "出生日期" in error.message
    assert "不存在" in error.message


def test_fifteen_digit_number_is_widened_to_eighteen():
    # 110105 + "19" + 491231002 gives 11010519491231002, whose check character is X.
    info = parse_id("110105491231002", today=TODAY)
    assert info.number == "11010519491231002X"
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex == "2"


def test_fifteen_digits_must_all_be_digits():
    error = refusal("11010549123100X")
    assert "数字" in error.message


@pytest.mark.parametrize(
    "raw",
    [
        "１１０１０５１９４９１２３１００２ｘ",
        "11010519491231002x",
        " 110105 19491231 002X ",
        "110105\u300019491231002X",
        "11010519491231002X\t",
    ],
)
def test_typing_noise_is_normalised(raw):
    assert normalize_id(raw) == "11010519491231002X"
    assert parse_id(raw, today=TODAY).number == "11010519491231002X"


@pytest.mark.parametrize(
    "raw", ["1.10105194912310E+17", "1.10105194912310e+17", "1.1010519491231E17", "1101051949.0"]
)
def test_excel_scientific_or_float_form_says_stored_as_number(raw):
    error = refusal(raw)
    assert error.field == "id_number"
    assert "Excel" in error.message
    assert "数字" in error.message
    assert "丢失" in error.message


def test_failed_check_with_trailing_zeros_is_excel_damage():
    # Excel keeps 15 significant digits: 11010519491231002X read as a number ends in 000.
    error = refusal("110105194912310000")
    assert "Excel" in error.message
    assert "丢失" in error.message


def test_a_real_id_ending_in_000_is_accepted():
    # Trailing zeros alone prove nothing: this one passes the check character.
    assert check_char("11010519800107000") == "0"
    info = parse_id("110105198001070000", today=TODAY)
    assert info.birth_date == date(1980, 1, 7)


@pytest.mark.parametrize("raw", ["11010519491231002", "11010519491231002X1", "1234"])
def test_wrong_length_is_refused(raw):
    error = refusal(raw)
    assert "18位" in error.message
    assert str(len(raw)) in error.message


def test_empty_is_refused():
    assert "请填写" in refusal("  ").message


def test_letters_inside_are_refused():
    error = refusal("1101A519491231002X")
    assert "数字" in error.message


def test_last_character_other_than_x_is_refused():
    error = refusal("11010519491231002Y")
    assert "最后一位" in error.message


def test_unknown_province_is_refused():
    error = refusal("990105194912310023")
    assert "省份" in error.message


def test_future_birth_date_is_refused():
    first17 = "11010520240602001"
    error = refusal(first17 + check_char(first17))
    assert "晚于今天" in error.message


def test_birth_date_today_is_accepted():
    first17 = "11010520240601001"
    assert parse_id(first17 + check_char(first17), today=TODAY).birth_date == TODAY


def test_birth_before_1880_is_refused():
    first17 = "44052418791231001"
    error = refusal(first17 + check_char(first17))
    assert "1880" in error.message


def test_field_name_is_passed_through():
    assert refusal("110105194912310021", field="guardian_id").field == "guardian_id"


def test_is_valid_id():
    assert is_valid_id("11010519491231002X")
    assert is_valid_id("11010519491231002x")
    assert not is_valid_id("110105194912310021")
    assert not is_valid_id("")


def test_convenience_readers():
    assert sex_from_id("440524188001010014") == "1"
    assert birth_date_from_id("11010519491231002X") == date(1949, 12, 31)


@pytest.mark.parametrize(
    ("on", "age"),
    [
        (date(2024, 12, 30), 74),
        (date(2024, 12, 31), 75),
        (date(2025, 1, 1), 75),
    ],
)
def test_age_in_full_years(on, age):
    assert age_on(date(1949, 12, 31), on) == age


def test_age_of_leap_day_birth():
    assert age_on(date(2000, 2, 29), date(2001, 2, 28)) == 0
    assert age_on(date(2000, 2, 29), date(2001, 3, 1)) == 1


def test_mask_id():
    assert mask_id("11010519491231002X") == "110105********002X"
    assert mask_id("110105491231002") == "110**********02"
    assert mask_id("") == ""
    assert mask_id("1234") == "1***"


@pytest.mark.parametrize("length", [*range(1, 18), 20])
def test_mask_id_shows_at_most_a_third_of_other_numbers(length):
    number = "ABCDEFGHJKLMNPQRSTUVWXYZ"[:length]
    masked = mask_id(number)
    head = len(masked) - len(masked.lstrip("ABCDEFGHJKLMNPQRSTUVWXYZ"))
    tail = len(masked) - len(masked.rstrip("ABCDEFGHJKLMNPQRSTUVWXYZ"))
    assert len(masked) == length
    assert head + tail <= length // 3
    # What shows is the number's own two ends, the middle all stars.
    assert masked == number[:head] + "*" * (length - head - tail) + number[length - tail:]


def test_mask_id_of_a_passport_number():
    assert mask_id("E12345678") == "E1******8"
