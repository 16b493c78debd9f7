"""The A4 page every printed document uses: margins, one frame, and a footer with 'page x of y'."""

from __future__ import annotations

from functools import partial
from io import BytesIO
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from reports.pdf.layout import LINE, MARGIN, WIDTH
from station.printing.records import Letterhead


def build(path: Path, flowables: list[Flowable], *, font: str, title: str, head: Letterhead,
          footer: str | None = None, pages: str = "第 {number} 页 / 共 {total} 页") -> Path:
    """Write the flowables to an A4 PDF whose every page ends with who printed it and 'page x of y'.

    `footer` and `pages` replace the Chinese words (a report printed in another language).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if footer is None:
        footer = f"{head.station_name} · {title} · 打印:{head.printed_by} {head.printed_at:%Y-%m-%d %H:%M}"
    _build(str(path), flowables, font=font, title=title, author=head.station_name, footer=footer, pages=pages)
    return path


def build_bytes(flowables: list[Flowable], *, font: str, title: str, author: str, footer: str,
                pages: str) -> bytes:
    """The same A4 page, built in memory: for a document that must never lie in a file."""
    buffer = BytesIO()
    _build(buffer, flowables, font=font, title=title, author=author, footer=footer, pages=pages)
    return buffer.getvalue()


def _build(target: str | BytesIO, flowables: list[Flowable], *, font: str, title: str, author: str,
           footer: str, pages: str) -> None:
    doc = BaseDocTemplate(target, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                          topMargin=MARGIN, bottomMargin=MARGIN + 5 * mm, title=title,
                          author=author, creator="station", initialFontName=font,
                          initialFontSize=9)
    frame = Frame(MARGIN, MARGIN + 5 * mm, WIDTH, A4[1] - 2 * MARGIN - 5 * mm, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(flowables, canvasmaker=partial(_FooterCanvas, footer_font=font, footer=footer, pages=pages))


class _FooterCanvas(Canvas):
    """Holds pages back until the end so each footer can say how many pages there are."""

    def __init__(self, *args, footer_font: str, footer: str, pages: str, **kwargs):
        super().__init__(*args, **kwargs)
        self._footer_font, self._footer, self._pages = footer_font, footer, pages
        self._held: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for number, state in enumerate(self._held, 1):
            self.__dict__.update(state)
            self.setFont(self._footer_font, 8)
            self.setFillColor(LINE)
            self.drawString(MARGIN, MARGIN, self._footer)
            self.drawRightString(A4[0] - MARGIN, MARGIN, self._pages.format(number=number, total=total))
            super().showPage()
        super().save()
