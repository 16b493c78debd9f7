"""Privacy: ID and phone numbers are masked everywhere; a reveal shows one person's, audited.

Lists and views show `mask_id` / `mask_phone`. A role with reveal.id or reveal.phone may see one
person's full number by giving a reason; every reveal is audited with that reason, and the UI
masks the values again after REVEAL_MINUTES.
"""

from __future__ import annotations

from datetime import timedelta

from station import audit
from station.actor import Actor
from station.errors import PermissionDenied, ValidationError
from station.idcard import mask_id
from station.permissions import allowed, role_name
from station.phone import mask_phone
from station.residents.loading import load_person
from station.residents.privacy_records import RevealedRecord
from station.text_rules import free_text
from station.uow import UnitOfWork

REVEAL_MINUTES = 5
MAX_REASON = 200

__all__ = ["REVEAL_MINUTES", "mask_id", "mask_phone", "may_reveal", "reveal_person"]


def may_reveal(actor: Actor) -> bool:
    """True when the actor may reveal an ID or a phone number."""
    return allowed(actor, "reveal.id") or allowed(actor, "reveal.phone")


def reveal_person(uow: UnitOfWork, person_id: int, reason: str) -> RevealedRecord:
    """One person's full ID and/or phone number (what the role may see), audited with the reason."""
    if not may_reveal(uow.actor):
        raise PermissionDenied("residents.reveal_denied", role=role_name(uow.actor.role))
    reason = _valid_reason(reason)
    person = load_person(uow, person_id)
    show_id, show_phone = allowed(uow.actor, "reveal.id"), allowed(uow.actor, "reveal.phone")
    shown = [what for what, yes in (("身份证号", show_id), ("电话", show_phone and person.phone)) if yes]
    audit.record(uow, "reveal", "person", person.id, detail=f"查看{'、'.join(shown)};原因:{reason}",
                 community_id=person.community_id)
    uow.commit()
    return RevealedRecord(
        person_id=person.id, name=person.name,
        id_number=person.id_number if show_id else mask_id(person.id_number),
        phone=person.phone if show_phone else mask_phone(person.phone),
        id_revealed=show_id, phone_revealed=show_phone, reason=reason,
        until=uow.now() + timedelta(minutes=REVEAL_MINUTES),
    )


def _valid_reason(reason: str) -> str:
    reason = free_text(reason, limit=MAX_REASON, field="reason", label="查看原因")
    if len(reason) < 2:
        raise ValidationError("residents.reveal_reason_missing", field="reason")
    return reason
