"""The line that says why a household file is read-only: a household no one lives in any more
(moved out, cancelled), or a file opened as history for someone who died or moved away."""

from __future__ import annotations

from screens.base import Localized
from station.codes import relations
from station.dossiers.household import HouseholdFile
from station.residents.former_home_records import FormerHome


def read_only_banner(owner: Localized, file: HouseholdFile, history: FormerHome | None) -> str:
    """One sentence per reason ("" when the file is open for work)."""
    lines = []
    if history is not None:
        lines.append(_history_line(owner, history))
    household = file.household
    if household.status != "active":
        lines.append(owner.t("household.closed", status=owner.t(f"household.status_{household.status}"),
                             on=household.moved_out_on or "—", reason=file.closed_reason or "—"))
    return "\n".join(lines)


def _history_line(owner: Localized, home: FormerHome) -> str:
    relation = relations().get(home.relation, home.relation)
    if home.deceased_on is not None:
        return owner.t("household.history_deceased", name=home.person_name, on=home.deceased_on,
                       relation=relation)
    return owner.t("household.history_left", name=home.person_name, on=home.left_on or "—",
                   reason=home.left_reason or "—", relation=relation)
