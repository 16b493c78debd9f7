"""What an import did (or would do), as the import screen shows it: a status line and the counts."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text

from station.imports.records import ImportReport

NAMES_SHOWN = 6


def summary_text(t: Callable[..., str], report: ImportReport, refusals_shown: int,
                 sheets: tuple[str, ...] = ()) -> Text:
    """Status (written / nothing written / checked), counts, places created, and a note when cut."""
    counts = report.counts
    text = Text.assemble(_status(t, report), "\n")
    if len(sheets) > 1:
        text.append(t("import.sheets", count=len(sheets), names="、".join(sheets)) + "\n")
    text.append(t("import.counts", rows=counts.rows_read, created=counts.persons_created,
                  updated=counts.persons_updated, unchanged=counts.persons_unchanged,
                  refused=counts.rows_refused))
    text.append("\n" + t("import.places", households=counts.households_created, joined=counts.households_joined,
                         grids=len(report.new_grids), buildings=len(report.new_buildings)))
    if report.new_grids or report.new_buildings:
        text.append("\n" + t("import.new_places", names=_listing(report.new_grids + report.new_buildings)),
                    style="dim")
    if len(report.errors) > refusals_shown:
        text.append("\n" + t("import.refusals_cut", shown=refusals_shown, total=len(report.errors)), style="yellow")
    return text


def _status(t: Callable[..., str], report: ImportReport) -> Text:
    if report.written:
        return Text(t("import.written", seconds=report.seconds), style="bold green")
    if report.errors:
        return Text(t("import.refused", count=len(report.errors)), style="bold red")
    return Text(t("import.checked"), style="bold yellow")


def _listing(names: tuple[str, ...]) -> str:
    return "、".join(names[:NAMES_SHOWN]) + ("…" if len(names) > NAMES_SHOWN else "")
