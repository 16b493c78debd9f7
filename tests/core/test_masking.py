"""One masking rule for numbers typed into free text: exports, printouts, lists and the log."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from reports.workbooks.export import write_table
from screens.logging_setup import MASK, scrub
from station.demo import community as demo
from station.exports.workbook import export_table
from station.masking import mask_text
from station.uow import UnitOfWork

# The ways a clerk writes the same son's ID and the same phone into a note.
WRITTEN = {
    "110105198407248761": "110105********8761",
    "110105 19840724 8761": "110105********8761",
    "110105-19840724-8761": "110105********8761",
    "11010519840724876X": "110105********876X",
    "13912345678": "139****5678",
    "+8613912345678": "139****5678",
    "0086 139 1234 5678": "139****5678",
    "139 1234 5678": "139****5678",
    "139-1234-5678": "139****5678",
    "１３９１２３４５６７８": "139****5678",
    "(010)87654321": "010-****4321",
    "（０１０）８７６５４３２１": "010-****4321",
    "010-87654321": "010-****4321",
}
KEPT = ["2026-11-23", "送米 25 斤", "补贴 1200 元", "H000123", "S20261123-0001", "3号楼2单元1801"]
LEAK = "其子身份证110105 19840724 8761,手机+8613912345678,家里(010)87654321,2026-11-23 来访"
DIGIT_RUN = re.compile(r"\d[\d \-]{5,}\d")


@pytest.mark.parametrize("written", WRITTEN)
def test_each_way_of_writing_a_number_is_masked(written):
    assert mask_text(f"备注:{written}。") == f"备注:{WRITTEN[written]}。"
    assert scrub(f"备注:{written}。") == f"备注:{MASK}。"


def test_dates_amounts_and_numbers_of_the_station_stay_readable():
    line = ",".join(KEPT)
    assert mask_text(line) == line and scrub(line) == line


def plain_digits(value: str) -> set[str]:
    return {re.sub(r"\D", "", run) for run in DIGIT_RUN.findall(value)}


@pytest.fixture
def leaky_community(db, community_id):
    """A demo community whose every free-text field holds a son's ID and phone numbers."""
    demo.generate(db, households=8, seed=3)
    with db.engine.begin() as conn:
        for table, column in (("persons", "notes"), ("households", "notes"), ("visits", "content"),
                              ("requests", "description"), ("requests", "result"),
                              ("requests", "feedback"), ("register_entries", "notes"),
                              ("register_entries", "end_reason")):
            conn.execute(text(f"update {table} set {column} = :leak"), {"leak": LEAK[:180]})
    return community_id


@pytest.mark.parametrize("kind", ["persons", "households", "registers", "visits", "requests"])
def test_a_masked_export_masks_numbers_inside_free_text(db, leaky_community, admin, tmp_path, kind):
    with UnitOfWork(db, admin) as uow:
        masked = export_table(uow, kind)
        write_table(tmp_path / "masked.xlsx", masked)
        unmasked = export_table(uow, kind, unmasked=True, reason="上报街道")
        write_table(tmp_path / "full.xlsx", unmasked)
    masked_cells = " ".join(str(cell) for row in load_workbook(tmp_path / "masked.xlsx").active.iter_rows(
        values_only=True) for cell in row if cell is not None)
    full_cells = " ".join(str(cell) for row in load_workbook(tmp_path / "full.xlsx").active.iter_rows(
        values_only=True) for cell in row if cell is not None)
    secrets = {"110105198407248761", "8613912345678", "01087654321"}
    assert secrets & plain_digits(full_cells)  # the leak is there to be masked
    assert not secrets & plain_digits(masked_cells)
    assert "110105********8761" in masked_cells and "139****5678" in masked_cells
