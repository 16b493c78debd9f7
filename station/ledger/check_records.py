"""Plain records for `station check`: the ledger's rules and the households that break them."""

from __future__ import annotations

from dataclasses import dataclass

from station.messages import Term


@dataclass(frozen=True)
class CheckedHousehold:
    """A household (户号) that breaks a rule, with the persons concerned when the rule is about people.

    number is "" (household_id None) for persons who belong to no household at all.
    """

    household_id: int | None
    number: str
    person_names: tuple[str, ...] = ()
    community_name: str = ""  # household numbers repeat across the communities of a street's database


@dataclass(frozen=True)
class RuleResult:
    """One rule over the whole ledger: how often it is broken, and the first households."""

    code: str
    reason: Term  # what is wrong, in plain words (str() is Chinese)
    violations: int  # rows that break it (households, memberships, persons or entries)
    households: int  # distinct households concerned (persons without one count as one)
    examples: tuple[CheckedHousehold, ...]  # the first few, by 户号

    @property
    def ok(self) -> bool:
        return self.violations == 0


@dataclass(frozen=True)
class LedgerCheck:
    """Every rule's result, in a fixed order."""

    rules: tuple[RuleResult, ...]

    @property
    def ok(self) -> bool:
        return all(rule.ok for rule in self.rules)

    @property
    def broken(self) -> tuple[RuleResult, ...]:
        return tuple(rule for rule in self.rules if not rule.ok)

    @property
    def communities(self) -> set[str]:
        """The communities the listed households belong to."""
        return {household.community_name for rule in self.rules for household in rule.examples}
