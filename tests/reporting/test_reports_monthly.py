"""The monthly report: every number printed (PDF) and written (.xlsx) equals an independent count.

The community is the demo generator's (a year of visits and requests), plus one of each thing
the validation page looks for. reports_month_oracle recounts every figure from the raw rows.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from actors import actor_for
from openpyxl import load_workbook
from reports_month_oracle import BANDS, GRID_FIGURES, count
from reports_support import assert_fonts_embedded, pdf_text, squeeze, unmasked_numbers
from rich.cells import cell_len
from sqlalchemy import delete, select
from sqlalchemy import text as text_sql

from models import Grid, Household, Membership, Person, RegisterEntry, ResidentRequest, Visit
from reports.print_jobs import print_monthly
from station import codes
from station.audit_chain import verify_chain
from station.demo import community as demo
from station.month_locks import lock_month
from station.permissions import ROLES
from station.requests.rules import SATISFACTIONS
from station.stats.checks import months_before
from station.uow import UnitOfWork
from station.visits.log import VISIT_KINDS

SECTIONS = ("一", "二", "三", "四", "五", "六", "七", "八", "九")


def share(part: int, whole: int) -> str:
    return "—" if not whole else f"{100 * part / whole:.1f}%"


@pytest.fixture
def town(db, community_id):
    demo.generate(db, households=120, seed=4242)
    with db.session() as session:
        _add_what_looks_wrong(session, community_id)
        session.commit()


def _add_what_looks_wrong(session, community_id: int) -> None:
    """A household whose head became 'other', a weekly register never visited, an overdue request."""
    head = session.scalars(select(Membership).join(Household, Household.id == Membership.household_id)
                           .where(Membership.relation == "02", Membership.left_on.is_(None),
                                  Household.status == "active").order_by(Membership.id)).first()
    head.relation = "97"
    lonely = session.scalars(select(Membership).where(Membership.left_on.is_(None),
                                                      Membership.relation != "02").order_by(Membership.id.desc())).first()
    person = session.get_one(Person, lonely.person_id)
    session.execute(delete(RegisterEntry).where(RegisterEntry.person_id == person.id))
    session.execute(delete(Visit).where(Visit.person_id == person.id))
    session.add(RegisterEntry(community_id=community_id, person_id=person.id, category="elderly_alone",
                              start_on=date(2026, 1, 5), visit_every_days=7, attributes={}))
    grid_id = session.scalars(select(Grid.id).order_by(Grid.id)).first()
    session.add(ResidentRequest(community_id=community_id, grid_id=grid_id, number="S20261020-0999",
                                channel="phone", category="safety", urgency="urgent", description="井盖缺失",
                                received_at=datetime(2026, 10, 20, 10), deadline_at=datetime(2026, 10, 20, 12)))


@pytest.fixture
def printed(db, community_id, town, tmp_path):
    with UnitOfWork(db, actor_for("admin", community_id)) as uow:
        printout = print_monthly(uow, 2026, 10, pdf=tmp_path / "m.pdf", xlsx=tmp_path / "m.xlsx")
    with db.session() as session:
        oracle = count(session, community_id, 2026, 10)
    return printout.files, pdf_text(printout.files[0]), oracle


def section(text: str, number: str) -> str:
    """The text from heading '<number>、' to the next section heading."""
    follows = SECTIONS[SECTIONS.index(number) + 1:]
    pattern = rf"^\s*{number}、(.*?)(?=^\s*(?:{'|'.join(follows) or 'X'})、|\Z)"
    match = re.search(pattern, text, re.S | re.M)
    assert match, f"section {number} not found"
    return match.group(1)


def row(text: str, label: str) -> list[str]:
    """The cells after `label` on the one line that starts with it."""
    lines = [line.split() for line in text.splitlines() if line.split()[:1] == [label]]
    assert len(lines) == 1, (label, lines)
    return lines[0][1:]


def after(text: str, label: str) -> str:
    """The cell right after `label`, wherever it is on its line."""
    for line in text.splitlines():
        cells = line.split()
        if label in cells:
            return cells[cells.index(label) + 1]
    raise AssertionError(f"{label} not found")


def row_ending(text: str, cell: str) -> str:
    """The last cell of the line holding `cell`."""
    return next(line.split()[-1] for line in text.splitlines() if cell in line.split())


def test_population_and_households(printed):
    _, text, oracle = printed
    part = section(text, "一")
    for kind, name in codes.POPULATION_TYPES.items():
        expected = [oracle.households_by_type[kind], oracle.persons_by_type[kind],
                    *(oracle.persons_by_type_age[(kind, band)] for band in BANDS)]
        assert row(part, name) == [str(n) for n in expected], name
    by_band = [sum(oracle.persons_by_type_age[(k, band)] for k in codes.POPULATION_TYPES) for band in BANDS]
    total = [oracle.households, sum(oracle.persons_by_type.values()), *by_band]
    assert row(part, "合计") == [str(n) for n in total]
    assert oracle.households > 50 and min(by_band) > 0  # the data exercises every band


def test_registers_open_new_ended_covered(printed, settings):
    _, text, oracle = printed
    part = section(text, "二")
    totals = [0, 0, 0, 0]
    for category, name in settings.registers.categories.items():
        figures = oracle.registers.get(category, [0, 0, 0, 0])
        totals = [a + b for a, b in zip(totals, figures, strict=True)]
        assert row(part, name) == [*map(str, figures), share(figures[3], figures[0])], name
    assert row(part, "合计") == [*map(str, totals), share(totals[3], totals[0])]
    assert totals[0] > 10 and 0 < totals[3] < totals[0]


def test_visits_by_kind(printed):
    _, text, oracle = printed
    part = section(text, "三")
    for kind, name in VISIT_KINDS.items():
        assert row(part, name) == [str(oracle.visits_by_kind[kind])], name
    assert row(part, "合计") == [str(sum(oracle.visits_by_kind.values()))]
    assert sum(oracle.visits_by_kind.values()) > 20


def test_requests_received_closed_on_time_hours_and_satisfaction(printed):
    _, text, oracle = printed
    part = section(text, "四")
    assert after(part, "本月受理") == str(oracle.received)
    assert after(part, "本月办结") == str(oracle.closed)
    assert after(part, "按时办结") == str(oracle.on_time)
    assert after(part, "按时办结率") == share(oracle.on_time, oracle.closed)
    assert float(after(part, "平均办理时长(小时)")) == pytest.approx(sum(oracle.hours) / len(oracle.hours), abs=0.051)
    for code, name in SATISFACTIONS.items():
        assert after(part, name) == str(oracle.ratings[code]), name
    assert after(part, "评价合计") == str(sum(oracle.ratings.values()))
    assert oracle.received and oracle.closed and oracle.ratings


def test_work_per_worker(printed):
    _, text, oracle = printed
    part = section(text, "五")
    lines = {cells[1]: cells for cells in (line.split() for line in part.splitlines()) if len(cells) == 5}
    for username, (visits, closed) in oracle.workers.items():
        assert lines[username][2] in ROLES.values()
        assert lines[username][3:] == [str(visits), str(closed)], username
    assert row(part, "合计") == [str(sum(w[0] for w in oracle.workers.values())),
                                str(sum(w[1] for w in oracle.workers.values()))]


def test_per_grid_figures(printed):
    _, text, oracle = printed
    part = section(text, "六")
    assert len(oracle.grids) >= 2
    for code, figures in oracle.grids.items():
        values = dict(zip(GRID_FIGURES, figures, strict=True))
        cells = row(part, code)[1:]  # after the grid's name
        expected = [values["households"], values["persons"], values["registers"], values["covered"],
                    share(values["covered"], values["registers"]), values["visits"], values["received"],
                    values["closed"], share(values["on_time"], values["closed"])]
        assert cells == [str(value) for value in expected], code


def test_validation_page_counts_what_looks_wrong(printed):
    _, text, oracle = printed
    part = section(text, "八")
    flat = squeeze(part)
    assert f"每周走访对象连续三个月未走访:共{oracle.unvisited}人" in flat and "从未走访" in flat
    assert f"无户主的住户:共{len(oracle.headless)}户" in flat
    assert f"月末超期未办结的诉求:共{len(oracle.overdue)}件" in flat
    for number, residents in oracle.headless.items():
        assert row_ending(part, number) == str(residents)
    for number, days in oracle.overdue.items():
        assert row(part, number)[-1] == str(days)
    assert oracle.unvisited == 1 and oracle.headless and "S20261020-0999" in oracle.overdue


def test_charts_page_and_every_font_embedded(printed):
    files, text, _ = printed
    charts = squeeze(section(text, "七"))
    for title in ("月末人口年龄结构", "重点人群走访覆盖率", "走访类型", "每日走访与诉求受理"):
        assert title in charts
    assert_fonts_embedded(files[0])
    assert unmasked_numbers(text) == []  # names are printed, never an ID or phone
    assert "幸福里社区2026年10月月度统计报表" in squeeze(text) and "本月数据尚未锁定" in squeeze(text)


def test_workbook_holds_the_same_figures(printed, settings):
    files, _, oracle = printed
    book = load_workbook(files[1], read_only=True)
    assert book.sheetnames[:7] == ["概况", "人口", "重点人群", "走访", "每日", "诉求", "工作量"]
    sheets = {name: [list(r) for r in book[name].iter_rows(min_row=2, values_only=True)] for name in book.sheetnames}
    population = {r[0]: r[1:] for r in sheets["人口"]}
    assert population["合计"][:2] == [oracle.households, sum(oracle.persons_by_type.values())]
    registers = {r[0]: r[1:5] for r in sheets["重点人群"]}
    for category, name in settings.registers.categories.items():
        assert registers[name] == oracle.registers.get(category, [0, 0, 0, 0]), name
    requests = {r[0]: r[1] for r in sheets["诉求"]}
    assert (requests["本月受理"], requests["本月办结"], requests["按时办结"]) == (
        oracle.received, oracle.closed, oracle.on_time)
    grids = {r[0]: r[2:6] + [r[7], r[8], r[9], r[10]] for r in sheets["分网格"]}
    assert grids == oracle.grids
    work = {r[1]: [r[3], r[4]] for r in sheets["工作量"]}
    assert work == oracle.workers
    summary = {r[0]: r[1] for r in sheets["概况"]}
    assert summary["核查:无户主的住户(户)"] == len(oracle.headless)
    assert {r[0]: r[5] for r in sheets["核查-超期诉求"]} == oracle.overdue
    assert sum(r[1] for r in sheets["每日"]) == sum(oracle.visits_by_kind.values())


def test_every_workbook_column_is_as_wide_as_what_it_shows(printed):
    """Excel shows ##### for a date wider than its column and cuts text: each column fits its
    widest cell (a Chinese character two places), and times are shown to the minute."""
    files, _, _ = printed
    book = load_workbook(files[1])
    overdue = book["核查-超期诉求"]
    assert overdue["D2"].number_format == "yyyy-mm-dd hh:mm" and overdue["D2"].value == datetime(2026, 10, 20, 10)
    for sheet in book.worksheets:
        for column in sheet.iter_cols():
            letter = column[0].column_letter
            needed = max(_shown(cell) for cell in column if cell.value is not None)
            assert sheet.column_dimensions[letter].width >= min(needed, 60), (sheet.title, letter, needed)
    assert book["概况"].column_dimensions["A"].width >= cell_len("核查:每周走访对象三个月未走访(人)")


def _shown(cell) -> int:
    """How many places Excel needs for the cell as formatted."""
    if isinstance(cell.value, datetime | date):
        return len(cell.number_format)
    if cell.number_format.endswith("%"):
        return len(f"{cell.value:.1%}")
    return cell_len(str(cell.value))


def test_one_grid_report_has_that_grid_figures(db, community_id, town, tmp_path):
    with UnitOfWork(db, actor_for("admin", community_id)) as uow:
        code = uow.session.scalars(select(Grid.code).order_by(Grid.code)).first()
        printout = print_monthly(uow, 2026, 10, grid_code=code, pdf=tmp_path / "g.pdf")
    with db.session() as session:
        oracle = count(session, community_id, 2026, 10)
    text = pdf_text(printout.files[0])
    households, persons = oracle.grids[code][:2]
    assert row(section(text, "一"), "合计")[:2] == [str(households), str(persons)]
    assert "分网格统计" not in text and len(printout.files) == 1


def test_a_locked_month_says_so(db, community_id, town, tmp_path):
    with UnitOfWork(db, actor_for("admin", community_id)) as uow:
        lock_month(uow, community_id, 2026, 10)
        printout = print_monthly(uow, 2026, 10, pdf=tmp_path / "m.pdf")
    assert "本月数据已于2026-11-2309:00由admin锁定" in squeeze(pdf_text(printout.files[0]))


@pytest.mark.parametrize("day, expected", [
    (date(2026, 10, 31), date(2026, 7, 31)), (date(2026, 5, 31), date(2026, 2, 28)),
    (date(2026, 1, 15), date(2025, 10, 15)), (date(2024, 5, 30), date(2024, 2, 29)),
])
def test_three_months_before_a_day(day, expected):
    assert months_before(day, 3) == expected


def test_the_audit_head_is_printed_as_the_anchor(printed, db):
    """The head printed is the log's head before the print was audited, and verifies as an anchor."""
    _, text, _ = printed
    part = squeeze(section(text, "九"))
    with db.engine.connect() as connection:
        printed_head = next(h for h in connection.execute(text_sql("select row_hash from audit_log")).scalars()
                            if h in part)
        rows = connection.execute(text_sql("select count(*) from audit_log")).scalar()
        assert verify_chain(connection, anchor=printed_head).anchor_found
    assert f"打印时审计日志共{rows - 1}条记录" in part  # the print's own audit row came after
