"""Demo accounts: a grid worker per grid, a director, a clerk and a staff member.

They get one random password nobody knows (hashed once, shared: argon2 is slow on purpose);
an administrator resets a password to hand an account to someone.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from models import Community, User
from station.accounts.passwords import hash_password
from station.demo.names import NamePicker
from station.demo.people import UniqueNumbers
from station.demo.requests import Staff


@dataclass(frozen=True)
class DemoAccounts:
    user_rows: list[dict[str, Any]]
    user_grid_rows: list[dict[str, Any]]
    staff: Staff


def make_accounts(connection: Connection, names: NamePicker, numbers: UniqueNumbers,
                  community: Any, grid_rows: list[dict[str, Any]], ids: Iterator[int],
                  created_at: datetime) -> DemoAccounts:
    """Accounts with usernames grid001.., director, clerk, staff (prefixed if those are taken)."""
    wanted = [(f"grid{index + 1:03d}", "grid_worker") for index in range(len(grid_rows))]
    wanted += [("director", "director"), ("clerk", "clerk"), ("staff", "staff")]
    prefix = _prefix(connection, community, [username for username, _ in wanted])
    password_hash = hash_password(secrets.token_urlsafe(24))
    rows = []
    for offset, (username, role) in enumerate(wanted):
        rows.append({
            "id": next(ids), "username": prefix + username,
            "display_name": names.full(names.surname(), offset % 3 != 0, 1975 + offset % 20),
            "role": role, "community_id": community.id, "phone": numbers.mobile(),
            "password_hash": password_hash, "disabled": False, "locked_until": None,
            "created_at": created_at, "version": 1,
        })
    grid_rows_by_worker = [{"user_id": rows[i]["id"], "grid_id": grid["id"]} for i, grid in enumerate(grid_rows)]
    by_role = {row["role"]: row["id"] for row in rows if row["role"] != "grid_worker"}
    staff = Staff(
        grid_workers={link["grid_id"]: link["user_id"] for link in grid_rows_by_worker},
        director_id=by_role["director"], staff_id=by_role["staff"], clerk_id=by_role["clerk"],
        names={row["id"]: row["display_name"] for row in rows},
    )
    return DemoAccounts(rows, grid_rows_by_worker, staff)


def _prefix(connection: Connection, community: Any, usernames: list[str]) -> str:
    """"" for the only community when the plain names are free; else the community code, e.g.
    "xfl.": names unique per community, so demos of two communities at once never collide."""
    shared = connection.scalar(select(Community.id).where(Community.id != community.id).limit(1)) is not None
    taken = connection.scalars(select(User.username).where(User.username.in_(usernames))).first()
    if taken is None and not shared:
        return ""
    code = re.sub(r"[^a-z0-9]", "", community.code.lower()) or f"c{community.id}"
    return f"{code}."
