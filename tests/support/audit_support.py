"""Writing audit rows through the app, and changing them behind its back as a database owner can."""

from __future__ import annotations

from sqlalchemy import text

from station import audit
from station.actor import SYSTEM
from station.audit_chain import verify_chain
from station.uow import UnitOfWork


def write(db, count: int, *, tag: str = "t") -> None:
    for n in range(count):
        with UnitOfWork(db, SYSTEM) as uow:
            audit.record(uow, "print", "person", n, new={"who": f"{tag}{n}", "身份证": "110***"},
                         detail=f"打印 {tag}{n}")
            uow.commit()


def check(db):
    with db.engine.connect() as connection:
        return verify_chain(connection)


def ids(db) -> list[int]:
    with db.engine.connect() as connection:
        return list(connection.execute(text("select id from audit_log order by id")).scalars())


def behind_the_apps_back(db, sql: str, **params) -> None:
    """What a database owner can do: lift the guards, change the table."""
    with db.engine.begin() as connection:
        if db.is_sqlite:
            for name in ("audit_log_no_update", "audit_log_no_delete", "audit_log_no_replace"):
                connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        else:
            connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        connection.execute(text(sql), params)
