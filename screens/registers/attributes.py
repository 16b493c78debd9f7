"""The typed attributes a register category asks for (station/need_attributes.py): 残疾类别, 等级
and 证号 for 残疾人; 救助证号 and 月发放金额 for 低保 and 特困; 监护人 and phone for 留守儿童.
Other categories have none in the form."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import Input, Select, Static

from screens.base import Localized
from screens.widgets.phone_input import PhoneInput
from station.codes import disability_categories, disability_grades
from station.registers.attributes import ASSISTANCE_CATEGORIES
from station.registers.tekun import TEKUN_PREFIX

GROUPS: dict[str, tuple[str, ...]] = {
    "disability": ("disability_category", "disability_grade", "certificate_no"),
    "assistance": ("scheme_no", "monthly_amount"),
    "guardian": ("guardian", "guardian_phone"),
}


def group_of(category: str) -> str:
    """Which attribute group a category has ("" for none), as need_attributes.clean_attributes decides."""
    if category == "disabled":
        return "disability"
    if category in ASSISTANCE_CATEGORIES or category.startswith(TEKUN_PREFIX):
        return "assistance"
    return "guardian" if category == "left_behind_child" else ""


class AttributeFields(Localized, Vertical):
    """One group of fields per kind of category; only the current category's group shows."""

    def compose(self) -> ComposeResult:
        choose = self.t("register_form.choose")
        with Grid(id="attrs-disability", classes="attrs"):
            yield _label(self.t("register_form.disability_category"))
            yield Select([(f"{code} {name}", code) for code, name in disability_categories().items()],
                         prompt=choose, id="disability_category")
            yield _label(self.t("register_form.disability_grade"))
            yield Select([(f"{code} {name}", code) for code, name in disability_grades().items()],
                         prompt=choose, id="disability_grade")
            yield _label(self.t("register_form.certificate_no"))
            yield Input(placeholder=self.t("register_form.certificate_hint"), id="certificate_no",
                        max_length=24)
        with Grid(id="attrs-assistance", classes="attrs"):
            yield _label(self.t("register_form.scheme_no"))
            yield Input(id="scheme_no", max_length=60)
            yield _label(self.t("register_form.monthly_amount"))
            yield Input(placeholder=self.t("register_form.amount_hint"), id="monthly_amount", max_length=12)
        with Grid(id="attrs-guardian", classes="attrs"):
            yield _label(self.t("register_form.guardian"))
            yield Input(id="guardian", max_length=40)
            yield _label(self.t("register_form.guardian_phone"))
            yield PhoneInput(id="guardian_phone", max_length=20)
        yield Static(self.t("register_form.no_attributes"), id="attrs-none", markup=False)

    def show_for(self, category: str) -> None:
        group = group_of(category)
        for name in GROUPS:
            self.query_one(f"#attrs-{name}").display = name == group
        self.query_one("#attrs-none").display = not group

    def values(self, category: str) -> dict[str, str]:
        """The filled fields of the category's group (empty ones are left out for the service)."""
        values = {}
        for field in GROUPS.get(group_of(category), ()):
            widget = self.query_one(f"#{field}")
            if isinstance(widget, Select):
                value = "" if widget.is_blank() else str(widget.value)
            else:
                value = widget.value.strip() if isinstance(widget, Input) else ""
            if value:
                values[field] = value
        return values


def _label(text: str) -> Static:
    return Static(text, classes="field-label", markup=False)
