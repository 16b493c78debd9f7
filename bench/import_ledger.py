"""A realistic ledger workbook for the import benchmark: households of 1-5, real-looking names.

Deterministic for a seed; written with openpyxl's write-only mode (a runtime dependency), ID and
phone numbers as text as a careful clerk keeps them, birth dates as date cells.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

from station.demo.names import NamePicker
from station.demo.people import UniqueNumbers

HEADER = ["序号", "户号", "所属网格", "楼栋", "单元", "房号", "现住址", "姓名", "公民身份号码", "与户主关系",
          "性别", "出生日期", "民族", "联系电话", "人口类型", "备注"]
SIZES = (1, 2, 2, 3, 3, 3, 4, 5)
GRIDS, BUILDINGS, UNITS = 10, 12, 4
ETHNICITIES = ("汉族",) * 40 + ("回族", "满族", "蒙古族", "朝鲜族")
POPULATION = ("户籍人口",) * 8 + ("流动人口",) * 2
REGIONS = ("110105", "110108", "130102", "370102", "410105", "510104")
TODAY = date(2026, 11, 23)


def write_ledger(path: Path, persons: int, seed: int) -> Path:
    """Write a ledger of exactly `persons` rows to `path`."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("人口台账")
    sheet.append(["某某社区人口信息台账"])
    sheet.append(HEADER)
    for number, row in enumerate(_rows(random.Random(seed), persons), 1):
        sheet.append([number, *row])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _rows(rng: random.Random, persons: int) -> Iterator[list]:
    names, numbers = NamePicker(rng), UniqueNumbers(rng, set())
    written, household = 0, 0
    while written < persons:
        household += 1
        place = [f"第{rng.randint(1, GRIDS)}网格", f"{rng.randint(1, BUILDINGS)}号楼",
                 f"{rng.randint(1, UNITS)}单元", f"{rng.randint(1, 18)}0{rng.randint(1, 4)}", ""]
        size = min(rng.choice(SIZES), persons - written)
        population = rng.choice(POPULATION)
        surname = names.surname()
        for member in range(size):
            yield [f"H{household:06d}", *place, *_person(rng, names, numbers, surname, member), population, ""]
        written += size


def _person(rng: random.Random, names: NamePicker, numbers: UniqueNumbers, surname: str, member: int) -> list:
    relation, male, age = _role(rng, member)
    birth = TODAY - timedelta(days=age * 365 + rng.randint(0, 364))
    name = (surname if member != 1 else names.surname()) + names.given(male, birth.year)
    id_number = numbers.resident_id(rng.choice(REGIONS), birth, male)
    phone = numbers.mobile() if age >= 16 and rng.random() < 0.8 else ""
    return [name, id_number, relation, "男" if male else "女", birth, rng.choice(ETHNICITIES), phone]


def _role(rng: random.Random, member: int) -> tuple[str, bool, int]:
    """Relation, sex and age of the n-th member: head, spouse, then children."""
    if member == 0:
        return "户主", rng.random() < 0.6, rng.randint(28, 90)
    if member == 1:
        return "配偶", rng.random() < 0.4, rng.randint(26, 88)
    male = rng.random() < 0.5
    return ("儿子" if male else "女儿"), male, rng.randint(0, 25)
