"""Household shapes for demo data: who lives together, their relation to the head, sex and age.

A shape lists members as `MemberShape`s; `demo_people` turns them into persons. Relations use
GB/T 4761 codes, sometimes the group codes (10 配偶, 20 子, 30 女, 40 孙) as many ledgers do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from station.codes import HEAD

# Weights per population type: (registered, floating, overseas). Chosen so that a community
# averages about three persons per household with Beijing's age mix (about 20% aged 60+).
SHAPE_WEIGHTS: dict[str, tuple[float, float, float]] = {
    "single_young": (4, 14, 25),
    "single_mid": (2, 3, 5),
    "single_elder": (8, 0.5, 0),
    "couple_young": (5, 14, 25),
    "couple_mid": (5, 4, 10),
    "couple_elder": (10, 0.5, 0),
    "single_parent": (3, 2, 0),
    "elder_and_child": (3, 0, 0),
    "nuclear_1": (22, 22, 25),
    "nuclear_2": (12, 10, 10),
    "nuclear_3": (1.5, 3, 0),
    "three_gen_1": (6, 3, 0),
    "three_gen_2": (5, 1, 0),
    "stem_1": (5, 0.5, 0),
    "stem_2": (4, 0, 0),
    "big_6": (2, 0.5, 0),
    "left_behind": (1, 0, 0),
}
POPULATION_TYPES = ("registered", "floating", "overseas")

NEVER_MARRIED, MARRIED, WIDOWED, DIVORCED = "10", "20", "30", "40"


@dataclass(frozen=True)
class MemberShape:
    relation: str
    male: bool
    age: int
    # Members with the same lineage label share a surname ("head": the head's own).
    lineage: str
    marital: str


class ShapeMaker:
    """Draws household shapes; every random choice comes from the one seeded source."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._names = list(SHAPE_WEIGHTS)
        self._weights = {
            kind: [SHAPE_WEIGHTS[name][index] for name in self._names]
            for index, kind in enumerate(POPULATION_TYPES)
        }
        self._fresh = 0

    def make(self, population_type: str) -> tuple[str, list[MemberShape]]:
        """(shape name, members with the head first) for a household of this population type."""
        name = self.rng.choices(self._names, self._weights[population_type])[0]
        return name, getattr(self, f"_{name}")()

    # --- shapes -----------------------------------------------------------------------------

    def _single_young(self) -> list[MemberShape]:
        marital = self._pick({NEVER_MARRIED: 80, DIVORCED: 15, MARRIED: 5})
        return [self._head(self.rng.randint(22, 45), self._coin(), marital)]

    def _single_mid(self) -> list[MemberShape]:
        marital = self._pick({NEVER_MARRIED: 25, DIVORCED: 45, WIDOWED: 15, MARRIED: 15})
        return [self._head(self.rng.randint(46, 59), self._coin(), marital)]

    def _single_elder(self) -> list[MemberShape]:
        marital = self._pick({WIDOWED: 70, DIVORCED: 12, NEVER_MARRIED: 6, MARRIED: 12})
        # Women outlive men: most old people living alone are widows.
        return [self._head(self._elder_age(60, 97), self._coin(0.35), marital)]

    def _couple_young(self) -> list[MemberShape]:
        return self._couple(self.rng.randint(24, 38))

    def _couple_mid(self) -> list[MemberShape]:
        return self._couple(self.rng.randint(46, 62))

    def _couple_elder(self) -> list[MemberShape]:
        return self._couple(self._elder_age(60, 93))

    def _single_parent(self) -> list[MemberShape]:
        head = self._head(self.rng.randint(30, 55), self._coin(0.3),
                          self._pick({DIVORCED: 75, WIDOWED: 15, NEVER_MARRIED: 10}))
        lineage = "head" if head.male or self._coin() else self._label()
        return [head, *self._children(head.age, 1, lineage, max_age=25)]

    def _elder_and_child(self) -> list[MemberShape]:
        head = self._head(self._elder_age(62, 95), self._coin(0.35), WIDOWED)
        child_age = max(28, head.age - self.rng.randint(24, 34))
        male = self._coin()
        lineage = "head" if head.male else self._label()
        child = MemberShape(self._child_code(male, 1, 1), male, child_age, lineage,
                            self._pick({NEVER_MARRIED: 60, DIVORCED: 40}))
        return [head, child]

    def _nuclear_1(self) -> list[MemberShape]:
        return self._family(self.rng.randint(27, 58), 1)

    def _nuclear_2(self) -> list[MemberShape]:
        return self._family(self.rng.randint(30, 55), 2)

    def _nuclear_3(self) -> list[MemberShape]:
        return self._family(self.rng.randint(32, 55), 3)

    def _three_gen_1(self) -> list[MemberShape]:
        members = self._family(self.rng.randint(30, 56), 1)
        return members + self._parents(members[0], members[1], both=False)

    def _three_gen_2(self) -> list[MemberShape]:
        members = self._family(self.rng.randint(30, 56), 1)
        return members + self._parents(members[0], members[1], both=True)

    def _big_6(self) -> list[MemberShape]:
        members = self._family(self.rng.randint(32, 52), 2)
        return members + self._parents(members[0], members[1], both=True)

    def _stem_1(self) -> list[MemberShape]:
        return self._stem(1)

    def _stem_2(self) -> list[MemberShape]:
        return self._stem(2)

    def _left_behind(self) -> list[MemberShape]:
        """Grandparents raising grandchildren whose parents work elsewhere (留守儿童)."""
        head, spouse = self._couple(self.rng.randint(55, 75))
        sons_children = self._coin(0.7)
        lineage = ("head" if head.male else "spouse") if sons_children else self._label()
        grandchildren = []
        for _ in range(self.rng.choice((1, 1, 2))):
            male = self._coin()
            code = ("41" if male else "42") if sons_children else ("43" if male else "44")
            grandchildren.append(MemberShape(code, male, self.rng.randint(3, 15), lineage, NEVER_MARRIED))
        return [head, spouse, *grandchildren]

    # --- building blocks --------------------------------------------------------------------

    def _head(self, age: int, male: bool, marital: str) -> MemberShape:
        return MemberShape(HEAD, male, age, "head", marital)

    def _couple(self, head_age: int) -> list[MemberShape]:
        head = self._head(head_age, self._coin(0.8), MARRIED)
        gap = self.rng.randint(-2, 6)
        spouse_age = head.age - gap if head.male else head.age + gap
        spouse_age = min(max(spouse_age, 20), 100)
        code = "10" if self._coin(0.35) else ("12" if head.male else "11")
        return [head, MemberShape(code, not head.male, spouse_age, "spouse", MARRIED)]

    def _family(self, head_age: int, children: int) -> list[MemberShape]:
        head, spouse = self._couple(head_age)
        mother_age = spouse.age if head.male else head.age
        lineage = "head" if head.male else "spouse"
        return [head, spouse, *self._children(mother_age, children, lineage)]

    def _children(self, mother_age: int, count: int, lineage: str,
                  max_age: int = 35) -> list[MemberShape]:
        """Children from eldest to youngest, numbered 长子/次子... (or just 子/女)."""
        age = min(max(mother_age - self.rng.randint(23, 34), 0), max_age)
        ages = []
        for _ in range(count):
            ages.append(age)
            age = max(age - self.rng.randint(2, 7), 0)
        sexes = [self._coin() for _ in ages]
        group_codes = self._coin(0.3)
        children = []
        for index, (child_age, male) in enumerate(zip(ages, sexes, strict=True)):
            order = sum(1 for other in sexes[: index + 1] if other == male)
            code = ("20" if male else "30") if group_codes else self._child_code(male, order, count)
            marital = NEVER_MARRIED if child_age < 28 or self._coin(0.8) else DIVORCED
            children.append(MemberShape(code, male, child_age, lineage, marital))
        return children

    def _child_code(self, male: bool, order: int, count: int) -> str:
        """独生子/女 for an only child, else 长子, 次子, 三子... (长女, 次女...)."""
        if count == 1:
            return "21" if male else "31"
        base = 21 if male else 31
        return str(base + min(order, 5))

    def _parents(self, head: MemberShape, spouse: MemberShape, *, both: bool) -> list[MemberShape]:
        """The head's own parents, or the spouse's (公婆 / 岳父母), living with the family."""
        own = self._coin(0.75)
        child = head if own else spouse
        father_age = min(child.age + self.rng.randint(24, 34), 98)
        mother_age = min(max(father_age - self.rng.randint(0, 5), child.age + 20), 98)
        # 父母 of the head; of the spouse they are 岳父母 (wife's) or 公婆 (husband's).
        in_laws = ("55", "56") if head.male else ("53", "54")
        codes = ("51", "52") if own else in_laws
        lineage = "head" if own else "spouse"
        father = MemberShape(codes[0], True, father_age, lineage, MARRIED)
        mother = MemberShape(codes[1], False, mother_age, self._label(), MARRIED)
        if both:
            return [father, mother]
        survivor = mother if self._coin(0.65) else father
        return [replace(survivor, marital=WIDOWED)]

    def _stem(self, grandchildren: int) -> list[MemberShape]:
        """Head and spouse, a married son (or daughter) with their spouse, and grandchildren."""
        head, spouse = self._couple(self.rng.randint(56, 78))
        mother_age = spouse.age if head.male else head.age
        family = "head" if head.male else "spouse"
        child_age = max(24, mother_age - self.rng.randint(23, 30))
        in_law_age = max(22, child_age + self.rng.randint(-4, 2))
        if self._coin(0.75):
            son = MemberShape("20" if self._coin(0.3) else "22", True, child_age, family, MARRIED)
            in_law = MemberShape("38", False, in_law_age, self._label(), MARRIED)
            lineage, codes = family, ("41", "42")
        else:
            son = MemberShape("30" if self._coin(0.3) else "32", False, child_age, family, MARRIED)
            in_law = MemberShape("28", True, in_law_age, self._label(), MARRIED)
            lineage, codes = in_law.lineage, ("43", "44")
        mother = in_law if not in_law.male else son
        kids = self._children(mother.age, grandchildren, lineage, max_age=max(mother.age - 22, 0))
        kids = [replace(kid, relation=codes[0] if kid.male else codes[1]) for kid in kids]
        return [head, spouse, son, in_law, *kids]

    # --- random helpers ---------------------------------------------------------------------

    def _elder_age(self, low: int, high: int) -> int:
        """An age skewed towards the late sixties and seventies."""
        return int(self.rng.triangular(low, high + 1, low + 8))

    def _coin(self, probability: float = 0.5) -> bool:
        return self.rng.random() < probability

    def _pick(self, weighted: dict[str, float]) -> str:
        return self.rng.choices(list(weighted), list(weighted.values()))[0]

    def _label(self) -> str:
        """A lineage label of its own: a surname drawn for this member (and whoever shares it)."""
        self._fresh += 1
        return f"line{self._fresh}"
