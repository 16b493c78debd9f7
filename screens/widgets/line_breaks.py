"""Text wrapped as Chinese is set: no line begins with a closing mark (,、。;:?!)」》...) and none
ends with an opening one (“(《「...). Textual folds a long Chinese sentence at any character, so a
message could put its "," at the start of a line.

`break_lines` is the rule (pure); `WrappedText` is a Static that draws its text with it.
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from textual.app import RenderResult
from textual.content import Content
from textual.geometry import Size
from textual.widgets import Static

# 行首禁则 and 行尾禁则: marks that never begin / never end a line.
NO_LINE_START = frozenset(",、。.,;;::??!!))]】》」』〉”’…%")
NO_LINE_END = frozenset("((【《「『〈“‘")
# A Latin word or number stays whole; a Chinese character is a unit of its own; spaces separate.
_UNITS = re.compile(r"[ \t]+|[A-Za-z0-9_@#&*+=/\\.:\-]+|.")


def break_lines(text: str, width: int) -> list[str]:
    """The lines `text` takes at `width` cells, by the rules above (a too long word is cut)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_paragraph_lines(paragraph, max(width, 2)))
    return lines


def _paragraph_lines(paragraph: str, width: int) -> list[str]:
    lines: list[list[str]] = [[]]
    for unit in _units(paragraph, width):
        line = lines[-1]
        if cell_len("".join(line) + unit) <= width or not line:
            if unit.strip() or line:
                line.append(unit)
            continue
        carried = _carry(line, unit)
        lines.append([*carried, unit] if unit.strip() else carried)
    return ["".join(line).rstrip() for line in lines]


def _carry(line: list[str], unit: str) -> list[str]:
    """What moves down with `unit` to the next line: the previous character before a closing mark,
    an opening mark left at the line's end."""
    carried: list[str] = []
    if unit[0] in NO_LINE_START:
        # Back to a character that may begin a line (marks can follow each other: 子”,).
        while len(line) > 1 and line[-1].strip():
            carried.insert(0, line.pop())
            if carried[0][0] not in NO_LINE_START:
                break
    while len(line) > 1 and line[-1] and line[-1][-1] in NO_LINE_END:
        carried.insert(0, line.pop())
    return carried


def _units(paragraph: str, width: int) -> list[str]:
    units: list[str] = []
    for unit in _UNITS.findall(paragraph):
        while cell_len(unit) > width:  # a word longer than a line: cut it
            units.append(unit[:width])
            unit = unit[width:]
        units.append(unit)
    return units


class WrappedText(Static):
    """A Static whose plain text is wrapped by `break_lines` (markup is not read); styled content
    (rich Text) is drawn as Static draws it."""

    def __init__(self, content: object = "", *, id: str | None = None,  # noqa: A002 - Textual's name
                 classes: str | None = None):
        super().__init__(content, id=id, classes=classes, markup=False)  # type: ignore[arg-type]
        self.text = content if isinstance(content, str) else None

    def update(self, content: object = "", *, layout: bool = True) -> None:  # type: ignore[override]
        self.text = content if isinstance(content, str) else None
        super().update(content, layout=layout)  # type: ignore[arg-type]

    def render(self) -> RenderResult:
        if self.text is None:
            return super().render()
        return Content("\n".join(break_lines(self.text, self.content_size.width or 80)))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if self.text is None:
            return super().get_content_height(container, viewport, width)
        return len(break_lines(self.text, width)) if self.text else 0
