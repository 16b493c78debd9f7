"""Who may restore into a folder with no working database: an account of the backup itself.

On a new PC (an empty folder) or over a live file that no longer opens there is no live account
to log in with; whoever knows the password of an enabled account in the backup that may restore
(an administrator) may put that backup in place. The staged copy was verified (seal, checksum,
schema) before this reads it, read-only.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from models import User
from station.accounts.passwords import verify_password
from station.accounts.users import actor_from_user, grid_ids_of, normalise_username
from station.actor import Actor
from station.errors import AuthError
from station.permissions import require
from station.sqlite_files import connect_file


def backup_account(staged_copy: Path, username: str, password: str, data_key: bytes | None = None) -> Actor:
    """The actor of `username` as the backup knows them; AuthError alike for an unknown name, a
    wrong password or a disabled account, PermissionDenied when the account may not restore.
    An encrypted copy is read with the data key its slots gave."""
    copy = f"{staged_copy.resolve().as_uri()}?mode=ro"
    engine = create_engine("sqlite://", creator=lambda: connect_file(copy, data_key, uri=True))
    try:
        with Session(engine) as session:
            user = session.scalar(select(User).where(User.username == normalise_username(username)[:64]))
            if user is None or user.disabled or not verify_password(user.password_hash, password):
                raise AuthError("accounts.wrong_credentials")
            actor = actor_from_user(user, grid_ids_of(session, user.id))
    finally:
        engine.dispose()
    require(actor, "backup.restore")
    return actor
