"""The append-only audit log; the database itself refuses UPDATE and DELETE (see the migration)."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class AuditEntry(Base):
    __tablename__ = "audit_log"
    # "What did this user last do": the registration form starts at the user's last place.
    __table_args__ = (Index("ix_audit_log_user_action", "user_id", "action", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(64), default="")
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    action: Mapped[str] = mapped_column(String(32), index=True)
    entity: Mapped[str] = mapped_column(String(32), default="")
    entity_id: Mapped[int | None]
    old_values: Mapped[dict | None]
    new_values: Mapped[dict | None]
    detail: Mapped[str] = mapped_column(String(1000), default="")
    # The hash chain (station/audit_chain.py): the previous row's hash, the digest of this row's
    # personal values (kept when retention blanks them) and this row's hash.
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    values_digest: Mapped[str] = mapped_column(String(64), default="")
    row_hash: Mapped[str] = mapped_column(String(64), default="")
    # When retention blanked this row's personal values (its digest above is kept).
    redacted_at: Mapped[datetime | None]
