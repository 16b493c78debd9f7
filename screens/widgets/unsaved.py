"""Forms that remember what they opened with and ask before throwing typed input away.

A form (screen or dialog) holds unsaved input when one of its fields (Input, Select, TextArea,
Checkbox, RadioButton) differs from what it opened with. Esc, 取消, a section key or Ctrl+Q on
such a form asks 保存 / 放弃 / 继续编辑; a form nobody typed in closes at once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, ComposeResult
from textual.await_complete import AwaitComplete
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, RadioButton, Select, TextArea

from screens.keys import bindings
from screens.widgets.dialog_box import Dialog

FIELDS = (Input, Select, TextArea, Checkbox, RadioButton)
SAVE, DISCARD, KEEP = "save", "discard", "keep"

# The mixin's methods use the screen it is mixed into; mypy is told so, Python mixes it in.
if TYPE_CHECKING:
    _FormBase = Screen[Any]
else:
    _FormBase = object


class UnsavedGuard(_FormBase):
    """Mixin for a form screen or dialog (before its screen class in the bases).

    The form provides `action_save` (its own save with its checks); Esc (back/close) and 取消
    call `close_form`. Values the form fills in itself after opening (a list loaded by a worker)
    are passed to `count_as_opened` so that they do not count as typed.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._opened: dict[Widget, object] = {}

    def on_mount(self) -> None:
        # Textual runs every class's mount handler, the subclass's first: its defaults count.
        count_as_opened(self)

    def has_unsaved_input(self) -> bool:
        opened = self._opened
        return any(opened.get(field, _blank(field)) != field_value(field) for field in fields_under(self))

    def action_save(self) -> None:
        """The form's own save (Ctrl+S), its checks included; 保存 in the question runs it."""
        raise NotImplementedError

    def discard(self) -> None:
        """Close without saving."""
        self.dismiss(None)

    def action_back(self) -> None:
        self.close_form()

    def action_close(self) -> None:
        self.close_form()

    def close_form(self) -> None:
        """Esc or 取消: close at once when nothing was typed, else ask first."""
        self.ask_first(self.discard)

    def ask_first(self, then: Callable[[], None]) -> None:
        """Run `then` (close, another section, quit) now if nothing would be lost, else after 放弃."""
        if not self.has_unsaved_input():
            then()
            return
        self.app.push_screen(UnsavedDialog(self.form_title()), callback=partial(self._answered, then))

    def form_title(self) -> str:
        """The form's name as its border shows it (the question hides the form)."""
        return next((str(widget.border_title) for widget in self.query("*") if widget.border_title), "")

    def _answered(self, then: Callable[[], None], answer: str | None) -> None:
        if answer == DISCARD:
            then()
        elif answer == SAVE:
            self.action_save()
        # 继续编辑: nothing to do; Textual gives the focus back to where it was.

    def dismiss(self, result: Any = None) -> AwaitComplete:
        # Textual's dismiss closes the top screen. A form that closes itself while a help or this
        # question is over it (Ctrl+Q over the help, then 保存; a slow save, then Esc) closes them too.
        while self.app.screen is not self and self in self.app.screen_stack:
            self.app.pop_screen()
        return super().dismiss(result)


class UnsavedDialog(Dialog[str]):
    """保存 / 放弃 / 继续编辑; Esc answers 继续编辑, and ←/→ move between the buttons."""

    BINDINGS = bindings("dialog.close", "dialog.previous", "dialog.next")
    HELP_TOPIC: ClassVar[str] = "unsaved"

    def __init__(self, form_title: str = "") -> None:
        super().__init__("", "")
        self.title_text = self.t("unsaved.title")
        self.message = self.t("unsaved.message_in", form=form_title) if form_title else self.t("unsaved.message")

    def compose_buttons(self) -> ComposeResult:
        yield Button(self.t("unsaved.save"), id=SAVE, variant="primary")
        yield Button(self.t("unsaved.discard"), id=DISCARD, variant="error")
        yield Button(self.t("unsaved.keep"), id=KEEP)

    def on_mount(self) -> None:
        self.query_one(f"#{SAVE}", Button).focus()

    def result_for(self, button_id: str) -> str:
        return button_id if button_id in (SAVE, DISCARD) else KEEP

    def action_previous_button(self) -> None:
        self.focus_previous()

    def action_next_button(self) -> None:
        self.focus_next()


def leave_forms(app: App[Any], then: Callable[[], None], answered: tuple[UnsavedGuard, ...] = ()) -> None:
    """Run `then` (another section, quit) once no open form would lose typed input unasked."""
    if isinstance(app.screen, UnsavedDialog):
        return  # the question is up already
    form = next((screen for screen in reversed(app.screen_stack) if isinstance(screen, UnsavedGuard)
                 and screen not in answered and screen.has_unsaved_input()), None)
    if form is None:
        then()
    else:
        form.ask_first(partial(leave_forms, app, then, (*answered, form)))


def count_as_opened(*nodes: Widget) -> None:
    """The fields under these nodes hold what the form itself put there: not typed input."""
    for node in nodes:
        form = node.screen
        if isinstance(form, UnsavedGuard):
            form._opened.update({field: field_value(field) for field in fields_under(node)})


def fields_under(node: Widget) -> list[Widget]:
    if isinstance(node, FIELDS):
        return [node]
    return [widget for widget in node.query("*") if isinstance(widget, FIELDS)]


def field_value(field: Widget) -> object:
    if isinstance(field, TextArea):
        return field.text
    return field.value  # type: ignore[attr-defined]


def _blank(field: Widget) -> object:
    """What a field added after opening holds before anything is put in it."""
    if isinstance(field, Select):
        return Select.NULL
    if isinstance(field, Checkbox | RadioButton):
        return False
    return ""
