"""居民诉求受理回执: the resident's receipt above a tear-off line, the station's stub below."""

from __future__ import annotations

from pathlib import Path

from reportlab.platypus import Flowable, Paragraph

from reports.pdf.layout import day, fields, gap, heading, signatures, styles, title_block
from reports.pdf.page import build
from reports.pdf.parts import TearLine
from station.printing.records import RequestReceipt

TITLE = "居民诉求受理回执"


def render(receipt: RequestReceipt, path: Path, font: str) -> Path:
    """Write the receipt and its stub to one A4 page."""
    s = styles(font)
    head = receipt.letterhead
    flowables: list[Flowable] = [
        *title_block(TITLE, f"{head.community_name} · {head.station_name} · 居民留存", s),
        fields([
            ("受理编号", receipt.number), ("受理时间", day(receipt.received_at)),
            ("诉求类别", receipt.category_name), ("紧急程度", receipt.urgency_name),
            ("受理渠道", receipt.channel_name), ("办理时限", f"{day(receipt.deadline_at)} 前"),
            ("联系人", receipt.contact_name), ("联系电话", receipt.contact_phone),
            ("所属网格", receipt.grid_name), ("受理人", receipt.received_by),
        ], s, wide=[("诉求内容", receipt.description)]),
        gap(3),
        Paragraph(_promise(receipt), s.body),
        gap(10), TearLine("沿此线撕开", font), gap(6),
        *heading("存根(服务站留存)", s),
        fields([("受理编号", receipt.number), ("受理时间", day(receipt.received_at)),
                ("诉求类别", receipt.category_name), ("办理时限", day(receipt.deadline_at)),
                ("联系人", receipt.contact_name), ("联系电话", receipt.contact_phone)], s),
        gap(8), signatures(("诉求人(签字):", "受理人(签字):"), s),
    ]
    return build(path, flowables, font=font, title=TITLE, head=head)


def _promise(receipt: RequestReceipt) -> str:
    head = receipt.letterhead
    contact = f",联系电话 {head.station_phone}" if head.station_phone else ""
    return (f"您的诉求已受理,我们将在 {day(receipt.deadline_at)} 前办理并答复。"
            f"查询办理进度请报受理编号 {receipt.number}。"
            f"联系我们:{head.station_name}{contact}。")
