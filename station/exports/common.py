"""Shared parts of the exports: scope conditions, counting, streaming and masked cells."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from station.idcard import mask_id
from station.masking import mask_optional
from station.phone import mask_phone
from station.uow import UnitOfWork

_BATCH = 2000


@dataclass(frozen=True)
class ExportRows:
    """One kind's headers, how many rows it will give, and the rows (lazy)."""

    headers: tuple[str, ...]
    count: int
    rows: Iterable[tuple[Any, ...]]


def count_rows(uow: UnitOfWork, query: Select) -> int:
    """How many rows a query gives (for the progress bar and the audit)."""
    counted = select(func.count()).select_from(query.order_by(None).subquery())
    return int(uow.session.scalar(counted) or 0)


def stream(uow: UnitOfWork, query: Select) -> Iterator[Any]:
    """Rows in batches, so 100,000 rows never sit in memory at once."""
    result = uow.session.execute(query.execution_options(yield_per=_BATCH))
    for batch in result.partitions():
        yield from batch


def blank(value: str | None) -> str | None:
    """Empty text as an empty cell."""
    return value or None


def free_text(value: str | None, masked: bool) -> str | None:
    """Typed text (notes, content, descriptions): numbers in it masked in a masked export."""
    return mask_optional(value) if masked else blank(value)


def mask_id_cell(value: str | None) -> str | None:
    return mask_id(value) if value else None


def mask_phone_cell(value: str | None) -> str | None:
    return mask_phone(value) if value else None
