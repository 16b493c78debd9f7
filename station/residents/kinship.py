"""What a GB/T 4761 relation (与户主关系) implies: the sex it expects, and how a member's relation
reads from a new head (变更户主). Pure functions, no database.

The new-head proposal covers the common families (the new head is the old head's child, spouse or
parent); anything it cannot derive with confidence is left for the clerk (None), never guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from station.codes import HEAD, NON_RELATIVE, relations
from station.messages import Term
from station.residents.records import Warning

MALE, FEMALE = "1", "2"  # GB/T 2261.1

HUSBAND, WIFE, SPOUSE = "11", "12", "10"
SON, DAUGHTER = "20", "30"  # the group codes: the birth order (长子, 次女) is the clerk's to say
SONS = frozenset({"20", "21", "22", "23", "24", "25", "26", "27", "29"})
DAUGHTERS = frozenset({"30", "31", "32", "33", "34", "35", "36", "37", "39"})
SON_IN_LAW, DAUGHTER_IN_LAW = "28", "38"
SON_SON, SON_DAUGHTER, DAUGHTER_SON, DAUGHTER_DAUGHTER = "41", "42", "43", "44"
GRANDCHILDREN = frozenset({"40", "41", "42", "43", "44", "45", "46", "47", "48", "49"})
FATHER, MOTHER = "51", "52"
HUSBANDS_FATHER, HUSBANDS_MOTHER, WIFES_FATHER, WIFES_MOTHER = "53", "54", "55", "56"

# Relations that name a man or a woman (the group codes 子/女 included: ledgers write them).
MALE_RELATIONS = frozenset({
    HUSBAND, *SONS, SON_IN_LAW, SON_SON, DAUGHTER_SON, "46", "47", FATHER, HUSBANDS_FATHER, WIFES_FATHER,
    "57", "61", "63", "66", "71", "73", "76", "78", "81", "83", "85", "87", "89", "93", "95",
})
FEMALE_RELATIONS = frozenset({
    WIFE, *DAUGHTERS, DAUGHTER_IN_LAW, SON_DAUGHTER, DAUGHTER_DAUGHTER, "45", "48", MOTHER,
    HUSBANDS_MOTHER, WIFES_MOTHER, "58", "62", "64", "67", "72", "74", "75", "77", "82", "84", "86",
    "88", "90", "94", "96",
})


# Screen names for the GB/T 4761 names too long for a list column (at most 5 characters); printouts
# and exports keep the standard's names.
SHORT_NAMES: dict[str, str] = {
    "27": "养子/继子", "37": "养女/继女", "40": "孙辈", "47": "曾孙", "48": "曾孙女", "49": "其他孙辈",
    "57": "继父/养父", "58": "继母/养母", "59": "其他父母", "60": "祖辈", "65": "配偶祖辈",
    "68": "配偶曾祖辈", "69": "其他祖辈", "70": "兄弟姐妹", "79": "其他兄妹",
}


def relation_name(code: str) -> str:
    """A relation as a list shows it: 户主, 长子, 孙辈 (never cut to fit a column)."""
    return SHORT_NAMES.get(code) or relations().get(code, code)


@dataclass(frozen=True)
class Kin:
    """A member as the proposal sees them: relation to the current head, sex, birth date."""

    person_id: int
    relation: str
    sex: str
    birth_date: date


def sex_relation_warning(name: str, sex: str, relation: str, person_id: int | None = None) -> Warning | None:
    """A relation that names the other sex than the ID number's (子 for a woman): worth a look."""
    expected = MALE if relation in MALE_RELATIONS else FEMALE if relation in FEMALE_RELATIONS else None
    if expected is None or sex not in (MALE, FEMALE) or sex == expected:
        return None
    sex_word = Term("residents.female") if sex == FEMALE else Term("residents.male")
    said = Term("residents.sex_relation", name=name, sex=sex_word, relation=relations().get(relation, relation))
    return Warning("relation", said, person_id)


def propose_relations(members: Sequence[Kin], new_head_id: int) -> dict[int, str | None]:
    """Each other member's relation to the new head (a code), or None where it cannot be told."""
    by_id = {member.person_id: member for member in members}
    new_head = by_id[new_head_id]
    old_head = next((member for member in members if member.relation == HEAD), None)
    proposals: dict[int, str | None] = {}
    for member in members:
        if member.person_id != new_head_id:
            proposals[member.person_id] = _proposal(member, new_head, old_head, members)
    return proposals


def _proposal(member: Kin, new_head: Kin, old_head: Kin | None, members: Sequence[Kin]) -> str | None:
    if member.relation == NON_RELATIVE:
        return NON_RELATIVE
    if old_head is None:
        return None
    if new_head.relation in SONS | DAUGHTERS:
        return _from_child(member, new_head, old_head, members)
    if new_head.relation in (SPOUSE, HUSBAND, WIFE):
        return _from_spouse(member, new_head)
    if new_head.relation in (FATHER, MOTHER):
        return _from_parent(member, old_head)
    return None


def _from_child(member: Kin, new_head: Kin, old_head: Kin, members: Sequence[Kin]) -> str | None:
    """The new head is the old head's son or daughter."""
    relation, head_male = member.relation, old_head.sex == MALE
    if relation == HEAD or relation in (SPOUSE, HUSBAND, WIFE):
        return _by_sex(member, FATHER, MOTHER)
    if relation in SONS | DAUGHTERS:
        return _sibling(member, new_head)
    new_head_son = new_head.relation in SONS
    sons = [kin for kin in members if kin.relation in SONS]
    daughters = [kin for kin in members if kin.relation in DAUGHTERS]
    # A child-in-law or grandchild is the new head's own only when no sibling could claim them.
    only_child_of_kind = len(sons if new_head_son else daughters) == 1
    if relation in (DAUGHTER_IN_LAW, SON_IN_LAW):
        in_laws = [kin for kin in members if kin.relation == relation]
        mine = relation == (DAUGHTER_IN_LAW if new_head_son else SON_IN_LAW)
        return _by_sex(member, HUSBAND, WIFE) if mine and only_child_of_kind and len(in_laws) == 1 else None
    if relation in (SON_SON, SON_DAUGHTER, DAUGHTER_SON, DAUGHTER_DAUGHTER):
        mine = (relation in (SON_SON, SON_DAUGHTER)) == new_head_son
        return _by_sex(member, SON, DAUGHTER) if mine and only_child_of_kind else None
    return _elders_and_siblings(relation, head_male)


def _elders_and_siblings(relation: str, head_male: bool) -> str | None:
    """The old head's parents and siblings, seen from the old head's child."""
    grandparents = {FATHER: ("61", "63"), MOTHER: ("62", "64")}
    if relation in grandparents:
        paternal, maternal = grandparents[relation]
        return paternal if head_male else maternal
    in_law_grandparents = {HUSBANDS_FATHER: "61", HUSBANDS_MOTHER: "62", WIFES_FATHER: "63", WIFES_MOTHER: "64"}
    if relation in in_law_grandparents:
        return in_law_grandparents[relation]
    # 兄 伯父/舅父, 嫂 伯母/舅母, 弟 叔父/舅父, 弟媳 婶母/舅母, 姐姐 姑母/姨母, 姐夫 姑父/姨父 ...
    uncles_and_aunts = {"71": ("81", "85"), "72": ("82", "86"), "73": ("83", "85"), "74": ("84", "86"),
                        "75": ("90", "88"), "76": ("89", "87"), "77": ("90", "88"), "78": ("89", "87")}
    if relation in uncles_and_aunts:
        fathers_side, mothers_side = uncles_and_aunts[relation]
        return fathers_side if head_male else mothers_side
    return None


def _from_spouse(member: Kin, new_head: Kin) -> str | None:
    """The new head is the old head's husband or wife: the children stay children."""
    relation = member.relation
    if relation == HEAD:
        return _by_sex(member, HUSBAND, WIFE)
    if relation in SONS | DAUGHTERS | GRANDCHILDREN or relation in (SON_IN_LAW, DAUGHTER_IN_LAW):
        return relation
    if relation in (FATHER, MOTHER):  # the old head's parents are the new head's in-laws
        if new_head.sex == FEMALE:
            return HUSBANDS_FATHER if relation == FATHER else HUSBANDS_MOTHER
        return WIFES_FATHER if relation == FATHER else WIFES_MOTHER
    if relation in (HUSBANDS_FATHER, HUSBANDS_MOTHER, WIFES_FATHER, WIFES_MOTHER):
        return _by_sex(member, FATHER, MOTHER)  # the new head's own parents
    return None


def _from_parent(member: Kin, old_head: Kin) -> str | None:
    """The new head is the old head's father or mother."""
    relation = member.relation
    if relation == HEAD or relation in {"71", "73", "75", "77"}:
        return _by_sex(member, SON, DAUGHTER)
    if relation in (SPOUSE, HUSBAND, WIFE):
        return _by_sex(member, SON_IN_LAW, DAUGHTER_IN_LAW)
    if relation in SONS | DAUGHTERS:
        if old_head.sex == MALE:
            return _by_sex(member, SON_SON, SON_DAUGHTER)
        return _by_sex(member, DAUGHTER_SON, DAUGHTER_DAUGHTER)
    if relation in (FATHER, MOTHER):
        return _by_sex(member, HUSBAND, WIFE)
    return None


def _sibling(member: Kin, new_head: Kin) -> str | None:
    """兄/弟/姐姐/妹妹 by birth date; twins born the same day are the clerk's to tell."""
    if member.birth_date == new_head.birth_date or member.sex not in (MALE, FEMALE):
        return None
    older = member.birth_date < new_head.birth_date
    if member.sex == MALE:
        return "71" if older else "73"
    return "75" if older else "77"


def _by_sex(member: Kin, male: str, female: str) -> str | None:
    return male if member.sex == MALE else female if member.sex == FEMALE else None
