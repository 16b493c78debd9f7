"""Phone numbers: mobiles and landlines, canonical form and masking."""

from __future__ import annotations

import pytest

from station.errors import ValidationError
from station.phone import is_mobile, mask_phone, normalize_phone, parse_phone


def refusal(raw: str, **kwargs) -> ValidationError:
    """The ValidationError parse_phone raises for `raw`."""
    with pytest.raises(ValidationError) as caught:
        parse_phone(raw, **kwargs)
    return caught.value


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("0086-13812345678", "13812345678"),
        ("19912345678", "19912345678"),
    ],
)
def test_mobiles(raw, canonical):
    assert parse_phone(raw) == canonical


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("010 1234 5678", "010-12345678"),
        ("010－12345678", "010-12345678"),
        ("(010)12345678", "010-12345678"),
        ("0755-1234567", "0755-1234567"),
        ("07551234567", "0755-1234567"),
        ("0755-12345678", "0755-12345678"),
        ("021-6123-4567", "021-61234567"),
    ],
)
def test_landlines(raw, canonical):
    assert parse_phone(raw) == canonical


def test_empty_is_allowed():
    assert parse_phone("") == ""
    assert parse_phone("   ") == ""


def test_normalize_keeps_only_the_area_dash():
    assert normalize_phone(" 010 - 1234-5678 ") == "010-12345678"
    assert normalize_phone("138-1234-5678") == "13812345678"
    assert normalize_phone("+86 13812345678") == "13812345678"


@pytest.mark.parametrize("raw", ["12345678", "6123456"])
def test_local_number_without_area_code_is_refused(raw):
    error = refusal(raw)
    assert error.field == "phone"
    assert "区号" in error.message


def test_short_mobile_is_refused():
    error = refusal("1381234567")
    assert "11位" in error.message


def test_mobile_with_bad_prefix_is_refused():
    assert "号段" in refusal("12012345678").message


def test_letters_are_refused():
    assert "数字" in refusal("138abc45678").message


def test_bad_area_code_is_refused():
    assert "区号" in refusal("0-12345678").message


def test_landline_number_of_wrong_length_is_refused():
    assert "7-8位" in refusal("010-123456").message
    assert "7-8位" in refusal("010123456789").message


def test_other_shapes_are_refused():
    assert "格式" in refusal("123").message
    assert "区号" in refusal("0").message


def test_field_name_is_passed_through():
    assert refusal("123", field="contact_phone").field == "contact_phone"


def test_is_mobile():
    assert is_mobile("13812345678")
    assert not is_mobile("010-12345678")
    assert not is_mobile("")


def test_mask_phone():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("010-12345678") == "010-****5678"
    assert mask_phone("0755-1234567") == "0755-***4567"
    assert mask_phone("") == ""
