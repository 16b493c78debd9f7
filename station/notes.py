"""Free-text notes (备注) on persons, households and register entries: one rule for all of them."""

from __future__ import annotations

from .errors import ValidationError

# The columns are VARCHAR(1000): PostgreSQL refuses anything longer with an error no clerk can read.
MAX_NOTES = 1000


def valid_notes(notes: str) -> str:
    """Notes, stripped, at most MAX_NOTES characters."""
    notes = (notes or "").strip()
    if len(notes) > MAX_NOTES:
        raise ValidationError(f"备注过长（最多 {MAX_NOTES} 个字）", field="notes")
    return notes
