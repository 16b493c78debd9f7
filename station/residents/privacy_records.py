"""Plain record of a reveal: one person's full ID and/or phone number, shown for a short time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RevealedRecord:
    person_id: int
    name: str
    # Full when the role may reveal it, masked otherwise (so the UI can show both fields alike).
    id_number: str
    phone: str
    id_revealed: bool
    phone_revealed: bool
    reason: str
    until: datetime  # the UI masks the values again at this time
