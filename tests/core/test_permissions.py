"""The role → permission table: what each role may not do, and how a refusal reads."""

from __future__ import annotations

import pytest
from actors import actor_for

from station.errors import PermissionDenied, ValidationError
from station.permissions import (
    PERMISSION_NAMES,
    ROLE_PERMISSIONS,
    ROLES,
    allowed,
    require,
    role_code,
)

COMMUNITY = 1


def _can(role: str, permission: str) -> bool:
    return allowed(actor_for(role, COMMUNITY), permission)


def test_every_role_has_a_chinese_name_and_a_permission_set():
    assert set(ROLES) == set(ROLE_PERMISSIONS)
    for permissions in ROLE_PERMISSIONS.values():
        assert permissions <= set(PERMISSION_NAMES)


def test_unknown_roles_are_denied_everything():
    assert not any(_can("boss", permission) for permission in PERMISSION_NAMES)
    assert not _can("", "ledger.read")


def test_unknown_permissions_are_denied_even_to_admin():
    assert not _can("admin", "ledger.delete_everything")


def test_admin_can_everything():
    assert all(_can("admin", permission) for permission in PERMISSION_NAMES)


@pytest.mark.parametrize(
    ("role", "permission"),
    [
        ("clerk", "reveal.id"),
        ("clerk", "users.manage"),
        ("clerk", "requests.assign"),
        ("clerk", "data.export"),
        ("grid_worker", "data.export_unmasked"),
        ("grid_worker", "reveal.id"),
        ("grid_worker", "users.manage"),
        ("street", "ledger.write"),
        ("street", "visits.write"),
        ("street", "reveal.id"),
        ("director", "users.manage"),
        ("director", "backup.restore"),
        ("staff", "data.export_unmasked"),
        ("staff", "places.write"),
    ],
)
def test_notable_limits(role, permission):
    assert not _can(role, permission)


@pytest.mark.parametrize(
    ("role", "permission"),
    [
        ("clerk", "ledger.write"),
        ("clerk", "requests.receive"),
        ("grid_worker", "visits.write"),
        ("grid_worker", "reveal.phone"),
        ("grid_worker", "data.export"),
        ("street", "ledger.read"),
        ("street", "data.export"),
        ("director", "reveal.id"),
        ("director", "requests.assign"),
        ("staff", "requests.handle"),
    ],
)
def test_notable_grants(role, permission):
    assert _can(role, permission)


def test_only_admin_manages_users():
    assert [role for role in ROLES if _can(role, "users.manage")] == ["admin"]


def test_require_names_the_role_and_the_action_in_chinese():
    with pytest.raises(PermissionDenied) as refused:
        require(actor_for("clerk", COMMUNITY), "reveal.id")
    assert refused.value.message == "窗口人员无权查看完整身份证号"
    assert refused.value.title == "无权操作"


def test_require_with_an_unknown_role_still_reads():
    with pytest.raises(PermissionDenied) as refused:
        require(actor_for("boss", COMMUNITY), "ledger.read")
    assert "boss" in refused.value.message


def test_require_passes_silently_when_allowed():
    assert require(actor_for("staff", COMMUNITY), "ledger.write") is None


def test_an_unknown_role_lists_the_roles_in_the_message_language():
    with pytest.raises(ValidationError) as refused:
        role_code("nosuch")
    assert refused.value.message == ("未知的角色“nosuch”,可选:admin(系统管理员)、street(街道管理员)、director(站长)、"
                                     "staff(工作人员)、clerk(窗口人员)、grid_worker(网格员)")
    assert refused.value.render("en") == (
        "Unknown role “nosuch”; choose from: admin (Administrator), street (Street administrator), "
        "director (Station director), staff (Staff), clerk (Counter clerk), grid_worker (Grid worker)")
