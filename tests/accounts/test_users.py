"""Accounts, passwords and login with lock-out, against SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest
from actors import actor_for
from argon2 import PasswordHasher
from sqlalchemy import select

from models import AuditEntry, Community, LoginFailure, User
from station.accounts import login, users
from station.actor import SYSTEM
from station.errors import AuthError, NotFound, PermissionDenied, ValidationError
from station.places.directory import add_grid
from station.uow import UnitOfWork

PASSWORD = "station-2026"


def _login(db, username: str, password: str = PASSWORD):
    with UnitOfWork(db, SYSTEM) as uow:
        return login.login(uow, username, password)


def _refused(db, username: str, password: str) -> str:
    with pytest.raises(AuthError) as refused:
        _login(db, username, password)
    return refused.value.message


def _audit_actions(db, username: str) -> list[str]:
    with db.session() as session:
        return list(session.scalars(
            select(AuditEntry.action).where(AuditEntry.username == username).order_by(AuditEntry.id)
        ))


@pytest.fixture
def clerk(uow):
    return users.add_user(uow, "wang.li", "王丽", "clerk", PASSWORD, phone="13800138000")


def test_add_list_and_get_user(uow, community_id, clerk):
    assert clerk.role_name == "窗口人员"
    assert clerk.community_id == community_id
    assert clerk.phone == "13800138000"
    assert [u.username for u in users.list_users(uow)] == ["wang.li"]
    assert users.get_user(uow, "Wang.Li").display_name == "王丽"


def test_duplicate_username_is_refused_whatever_the_case(uow, clerk):
    with pytest.raises(ValidationError) as refused:
        users.add_user(uow, "WANG.LI", "另一个王丽", "staff", PASSWORD)
    assert refused.value.field == "username"
    assert refused.value.message == "用户名已存在"


@pytest.mark.parametrize("username", ["ab", "x" * 33, "王丽", "wang li", "wang@li"])
def test_malformed_usernames_are_refused(uow, username):
    with pytest.raises(ValidationError) as refused:
        users.add_user(uow, username, "王丽", "clerk", PASSWORD)
    assert refused.value.field == "username"


@pytest.mark.parametrize(("password", "reason"), [
    ("short1", "至少需要 8 个字符"),
    (" " * 8, "至少三类"),
    ("aaaaaaaa", "过于常见"),
    ("zzzzzzzzzz", "至少三类"),
    ("12345678901", "至少三类"),
    ("Abcdefghij", "至少三类"),
    ("kx7mq2vw9p", "至少三类"),
    ("123456abc", "过于常见"),
    ("woaini1314", "过于常见"),
    # These pass three of four classes: only the list stops them.
    ("qwe123!@#", "过于常见"),
    ("Passw0rd", "过于常见"),
    ("Admin@123", "过于常见"),
    ("P@ssw0rd", "过于常见"),
    ("Wang.Li-2026", "用户名"),
    ("2026-wang.li", "用户名"),
])
def test_weak_passwords_are_refused(uow, password, reason):
    with pytest.raises(ValidationError) as refused:
        users.add_user(uow, "wang.li", "王丽", "clerk", password)
    assert refused.value.field == "password"
    assert reason in refused.value.message
    assert not users.has_users(uow)


@pytest.mark.parametrize("password", ["station-2026", "Kx7mQ2vw", "kx7mq2v#", "青山Lushui-26"])
def test_passwords_of_three_classes_pass(uow, password):
    assert users.add_user(uow, "wang.li", "王丽", "clerk", password).username == "wang.li"


def test_every_password_path_applies_the_policy(db, uow, clerk, community_id):
    with pytest.raises(ValidationError, match="过于常见"):
        users.set_password(uow, "wang.li", "Passw0rd")
    with pytest.raises(ValidationError, match="用户名"):
        users.set_password(uow, "wang.li", "WANG.LI.2026")
    with UnitOfWork(db, _login(db, "wang.li").actor) as own:
        with pytest.raises(ValidationError, match="过于常见"):
            users.change_own_password(own, PASSWORD, "P@ssw0rd")
        with pytest.raises(ValidationError, match="用户名"):
            users.change_own_password(own, PASSWORD, "my-wang.li-9")
    assert _login(db, "wang.li").user.username == "wang.li"


def test_unknown_role_is_refused(uow):
    with pytest.raises(ValidationError) as refused:
        users.add_user(uow, "wang.li", "王丽", "boss", PASSWORD)
    assert refused.value.field == "role"


def test_only_admins_manage_users(db, community_id):
    with UnitOfWork(db, actor_for("director", community_id)) as uow, pytest.raises(PermissionDenied):
        users.add_user(uow, "wang.li", "王丽", "clerk", PASSWORD)


def test_hash_is_argon2id_and_not_the_password(db, clerk):
    with db.session() as session:
        stored = session.scalar(select(User.password_hash).where(User.username == "wang.li"))
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PASSWORD not in stored


def test_create_audit_has_no_password_hash(db, clerk):
    with db.session() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "create",
                                                        AuditEntry.entity == "user"))
    assert entry.new_values["username"] == "wang.li"
    assert "password_hash" not in entry.new_values
    assert "$argon2" not in str(entry.new_values)


def test_grid_worker_needs_a_grid(uow):
    with pytest.raises(ValidationError) as refused:
        users.add_user(uow, "li.wg", "李网格", "grid_worker", PASSWORD)
    assert refused.value.field == "grids"


def test_grid_worker_logs_in_with_a_grid_scoped_actor(db, uow, community_id):
    grid = add_grid(uow, community_id, "G01", "一网格")
    add_grid(uow, community_id, "G02", "二网格")
    record = users.add_user(uow, "li.wg", "李网格", "grid_worker", PASSWORD, grid_ids=[grid.id])
    assert record.grid_ids == (grid.id,)
    actor = _login(db, "li.wg").actor
    assert actor.grid_ids == frozenset({grid.id})
    assert actor.community_id == community_id
    assert actor.role == "grid_worker"


def test_grids_from_another_community_are_refused(db, uow):
    other = _other_community(db)
    foreign = add_grid(uow, other, "G01", "外社区网格")
    with pytest.raises(ValidationError) as refused:
        users.add_user(uow, "li.wg", "李网格", "grid_worker", PASSWORD, grid_ids=[foreign.id])
    assert refused.value.field == "grids"


def test_set_grids_replaces_the_scope(db, uow, community_id):
    first = add_grid(uow, community_id, "G01", "一网格")
    second = add_grid(uow, community_id, "G02", "二网格")
    users.add_user(uow, "li.wg", "李网格", "grid_worker", PASSWORD, grid_ids=[first.id])
    assert users.set_grids(uow, "li.wg", [second.id]).grid_ids == (second.id,)
    assert _login(db, "li.wg").actor.grid_ids == frozenset({second.id})
    with pytest.raises(ValidationError):
        users.set_grids(uow, "li.wg", [])


def test_other_roles_get_no_grid_scope(db, clerk, community_id):
    actor = _login(db, "wang.li").actor
    assert actor.grid_ids is None
    assert actor.community_id == community_id
    assert actor.user_id == clerk.id


def test_system_actor_must_name_a_community(db, community_id):
    with UnitOfWork(db, SYSTEM) as uow:
        with pytest.raises(ValidationError) as refused:
            users.add_user(uow, "wang.li", "王丽", "clerk", PASSWORD)
        assert refused.value.field == "community"
        created = users.add_user(uow, "wang.li", "王丽", "clerk", PASSWORD, community_id=community_id)
    assert created.community_id == community_id


def test_street_accounts_only_by_street_wide_admin(db, uow):
    with pytest.raises(PermissionDenied):
        users.add_user(uow, "jd.zhao", "赵街道", "street", PASSWORD)
    with UnitOfWork(db, SYSTEM) as system:
        users.add_user(system, "jd.zhao", "赵街道", "street", PASSWORD)
    actor = _login(db, "jd.zhao").actor
    assert actor.community_id is None
    assert actor.grid_ids is None


def test_director_of_another_community_does_not_see_our_users(db, clerk):
    other = _other_community(db)
    with UnitOfWork(db, actor_for("director", other)) as uow:
        assert users.list_users(uow) == []
        with pytest.raises(NotFound):
            users.get_user(uow, "wang.li")
    with UnitOfWork(db, SYSTEM) as uow:
        assert [u.username for u in users.list_users(uow)] == ["wang.li"]


def test_admin_cannot_manage_another_communitys_users(db, clerk):
    other = _other_community(db)
    with UnitOfWork(db, actor_for("admin", other)) as uow:
        with pytest.raises(NotFound):
            users.disable_user(uow, "wang.li")
        with pytest.raises(NotFound):
            users.set_password(uow, "wang.li", "another-pass-1")
        with pytest.raises(NotFound):
            users.add_user(uow, "zhao.yi", "赵一", "clerk", PASSWORD,
                           community_id=clerk.community_id)


def test_disabled_user_cannot_log_in_and_can_be_enabled(db, uow, clerk):
    disabled = users.disable_user(uow, "wang.li")
    assert disabled.disabled
    assert disabled.version == clerk.version + 1
    assert _refused(db, "wang.li", PASSWORD) == "账户已停用"
    # A wrong password still gets the generic message: "disabled" is only told to the owner.
    assert _refused(db, "wang.li", "wrong-password") == "用户名或密码错误"
    users.disable_user(uow, "wang.li", disabled=False)
    assert _login(db, "wang.li").user.username == "wang.li"


def test_nobody_disables_themselves(db, clerk):
    with UnitOfWork(db, SYSTEM) as uow:
        me = users.add_user(uow, "boss", "站管理员", "admin", PASSWORD, community_id=clerk.community_id)
    with UnitOfWork(db, _login(db, "boss").actor) as uow, pytest.raises(ValidationError):
        users.disable_user(uow, me.username)


def test_admin_reset_password(db, uow, clerk):
    users.set_password(uow, "wang.li", "new-secret-9")
    assert _refused(db, "wang.li", PASSWORD) == "用户名或密码错误"
    assert _login(db, "wang.li", "new-secret-9").user.id == clerk.id
    with db.session() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "password"))
    assert entry.entity_id == clerk.id
    assert entry.old_values is None and entry.new_values is None


def test_change_own_password(db, clerk):
    with UnitOfWork(db, _login(db, "wang.li").actor) as uow:
        with pytest.raises(ValidationError) as refused:
            users.change_own_password(uow, "not-my-password", "brand-new-1")
        assert refused.value.field == "old_password"
        with pytest.raises(ValidationError):
            users.change_own_password(uow, PASSWORD, "1234567890")
        users.change_own_password(uow, PASSWORD, "brand-new-1")
    assert _login(db, "wang.li", "brand-new-1").user.id == clerk.id


def test_unknown_user_and_wrong_password_look_alike(db, clerk):
    assert _refused(db, "nobody", PASSWORD) == _refused(db, "wang.li", "wrong-password")
    assert _refused(db, "nobody", PASSWORD) == "用户名或密码错误"


def test_login_attempts_are_audited(db, clerk, clock):
    _refused(db, "wang.li", "wrong-password")
    _login(db, "wang.li")
    assert _audit_actions(db, "wang.li") == ["login_failed", "login"]
    with db.session() as session:
        entries = list(session.scalars(select(AuditEntry).where(AuditEntry.username == "wang.li")))
    assert {entry.user_id for entry in entries} == {clerk.id}
    assert {entry.at for entry in entries} == {clock()}


def test_five_failures_lock_the_account_for_fifteen_minutes(db, clerk, clock):
    for _ in range(4):
        assert _refused(db, "wang.li", "wrong-password") == "用户名或密码错误"
        clock.advance(minutes=1)
    assert _refused(db, "wang.li", "wrong-password") == "账户已锁定,请于 09:19 后再试"
    clock.advance(minutes=5)
    assert _refused(db, "wang.li", PASSWORD) == "账户已锁定,请于 09:19 后再试"
    with UnitOfWork(db, SYSTEM) as uow:
        assert users.get_user(uow, "wang.li").locked_until == datetime(2026, 11, 23, 9, 19)
    clock.advance(minutes=10)
    assert _login(db, "wang.li").user.locked_until is None
    assert _audit_actions(db, "wang.li") == ["login_failed"] * 5 + ["login_locked", "login"]


def test_successful_login_clears_the_failures(db, clerk, clock):
    for _ in range(4):
        _refused(db, "wang.li", "wrong-password")
    _login(db, "wang.li")
    with db.session() as session:
        assert session.scalars(select(LoginFailure)).all() == []
    assert _refused(db, "wang.li", "wrong-password") == "用户名或密码错误"


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(db, clerk, clock):
    for _ in range(8):
        assert _refused(db, "wang.li", "wrong-password") == "用户名或密码错误"
        clock.advance(minutes=4)
    assert _login(db, "wang.li").user.username == "wang.li"


def test_unknown_names_lock_like_real_ones(db, clerk, clock):
    """Otherwise the lock message would tell which user names exist."""
    for name in ("nobody", "wang.li"):
        messages = [_refused(db, name, "wrong-password") for _ in range(6)]
        assert messages == ["用户名或密码错误"] * 4 + ["账户已锁定,请于 09:15 后再试"] * 2
    clock.advance(minutes=15)
    assert _refused(db, "nobody", "wrong-password") == "用户名或密码错误"


def test_a_password_typed_as_the_user_name_is_never_stored(db, clerk, clock):
    """A clerk who types the password into the name field must not leave it in the audit log."""
    typed = "Secret-Typed-2026"
    assert _refused(db, typed, PASSWORD) == "用户名或密码错误"
    clock.advance(minutes=1)
    assert _refused(db, typed, PASSWORD) == "用户名或密码错误"
    with db.session() as session:
        entries = list(session.scalars(select(AuditEntry).where(AuditEntry.action == "login_failed")))
        failure_names = list(session.scalars(select(LoginFailure.username)))
    assert len(entries) == 2
    stored = [str((e.username, e.detail, e.old_values, e.new_values)) for e in entries] + failure_names
    assert not any(typed.lower() in text.lower() for text in stored)
    assert {entry.username for entry in entries} == {login.UNKNOWN_USERNAME}
    assert all("未知用户名" in entry.detail for entry in entries)
    # The two tries still count as the same name toward the lock-out.
    assert len(failure_names) == 2 and len(set(failure_names)) == 1


def test_stale_failures_of_any_name_are_purged(db, clerk, clock):
    _refused(db, "typo-name", "wrong-password")
    clock.advance(minutes=16)
    _refused(db, "wang.li", "wrong-password")
    with db.session() as session:
        assert list(session.scalars(select(LoginFailure.username))) == ["wang.li"]


def test_admin_reset_lifts_the_lock(db, uow, clerk):
    for _ in range(5):
        _refused(db, "wang.li", "wrong-password")
    assert _refused(db, "wang.li", PASSWORD).startswith("账户已锁定")
    users.set_password(uow, "wang.li", "new-secret-9")
    assert _login(db, "wang.li", "new-secret-9").user.locked_until is None


def test_lock_screen_counts_failures(db, clerk):
    for _ in range(5):
        with UnitOfWork(db, SYSTEM) as uow:
            assert not login.verify_same_user(uow, clerk.id, "wrong-password")
    with UnitOfWork(db, SYSTEM) as uow:
        assert not login.verify_same_user(uow, clerk.id, PASSWORD)
    assert _refused(db, "wang.li", PASSWORD).startswith("账户已锁定")


def test_lock_screen_accepts_the_right_password(db, clerk):
    with UnitOfWork(db, SYSTEM) as uow:
        assert login.verify_same_user(uow, clerk.id, PASSWORD)
        assert users.actor_for_user(uow, clerk.id).username == "wang.li"


def test_old_hashes_are_upgraded_on_login(db, clerk):
    weak = "$argon2id$v=19$m=8,t=1,p=1$"
    old_hash = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    assert old_hash.startswith(weak)
    with db.session() as session:
        session.get(User, clerk.id).password_hash = old_hash
        session.commit()
    _login(db, "wang.li")
    with db.session() as session:
        assert session.get(User, clerk.id).password_hash.startswith("$argon2id$v=19$m=19456")


def test_first_admin_only_on_an_empty_database(db, community_id):
    assert not users.has_users(db)
    with UnitOfWork(db, SYSTEM) as uow, pytest.raises(ValidationError, match="用户名"):
        users.create_first_admin(uow, "admin", "管理员", "Admin-2026", community_id)
    with UnitOfWork(db, SYSTEM) as uow:
        first = users.create_first_admin(uow, "admin", "管理员", PASSWORD, community_id)
    assert first.role == "admin" and first.community_id == community_id
    assert users.has_users(db)
    with UnitOfWork(db, SYSTEM) as uow, pytest.raises(PermissionDenied):
        users.create_first_admin(uow, "admin2", "管理员二", PASSWORD, community_id)
    assert _login(db, "admin").actor.community_id == community_id


def _other_community(db) -> int:
    with db.session() as session:
        community = Community(code="HPL", name="和平里社区", street="", phone="")
        session.add(community)
        session.commit()
        return community.id


def test_an_account_logs_in_only_at_its_own_communitys_station(db, community_id, settings):
    other = _other_community(db)
    with UnitOfWork(db, actor_for("admin", other)) as there:
        users.add_user(there, "hpl.clerk", "和平里窗口", "clerk", PASSWORD)
    with UnitOfWork(db, SYSTEM) as uow:  # a street account belongs to no community
        users.add_user(uow, "street.wu", "街道吴", "street", PASSWORD)
    refused = _refused(db, "hpl.clerk", PASSWORD)
    assert "和平里社区" in refused and settings.station.community in refused
    # Refused after the password was right: an audit row says why, and nothing counts toward a lock.
    assert _audit_actions(db, "hpl.clerk") == ["login_failed"]
    with db.session() as session:
        assert session.scalar(select(LoginFailure.id).where(LoginFailure.username == "hpl.clerk")) is None
    assert _refused(db, "hpl.clerk", "wrong-password") == "用户名或密码错误"  # nothing told without it
    with UnitOfWork(db, SYSTEM) as uow, pytest.raises(AuthError, match="和平里社区"):
        login.quiet_login(uow, "hpl.clerk", PASSWORD, via=login.COMMAND_LINE)  # the command line too
    assert _login(db, "street.wu").actor.community_id is None
