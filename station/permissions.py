"""Who may do what: a role → permission table that denies anything not listed."""

from __future__ import annotations

from station.actor import Actor
from station.errors import PermissionDenied
from station.messages import DEFAULT_LANGUAGE, Term, message

ROLES = {
    "admin": "系统管理员",
    "street": "街道管理员",
    "director": "站长",
    "staff": "工作人员",
    "clerk": "窗口人员",
    "grid_worker": "网格员",
}

# Names an admin may type for a role besides its code and its ROLES name.
_ROLE_ALIASES = {"管理员": "admin", "街道": "street", "窗口": "clerk", "窗口人员": "clerk", "工作人员": "staff"}


def role_code(text: str) -> str:
    """A role's code from its code or its Chinese name (网格员 → grid_worker); refused when unknown."""
    from station.errors import ValidationError

    typed = (text or "").strip()
    by_name = {name: code for code, name in ROLES.items()} | _ROLE_ALIASES
    code = typed if typed in ROLES else by_name.get(typed)
    if code is None:
        raise ValidationError("permissions.unknown_role", typed=typed, choices=RoleChoices(), field="role")
    return code


class RoleChoices(Term):
    """Every role as `code (name)`, named in the language the message is rendered in."""

    def __init__(self) -> None:
        super().__init__("permissions.role_choice")

    def render(self, language: str = DEFAULT_LANGUAGE) -> str:
        """The list in `language`."""
        return message("permissions.role_separator", language).join(
            message("permissions.role_choice", language, code=code, name=message(f"roles.{code}", language))
            for code in ROLES)


PERMISSION_NAMES = {
    "ledger.read": "查看住户台账",
    "ledger.write": "登记和修改住户",
    "reveal.id": "查看完整身份证号",
    "reveal.phone": "查看完整电话号码",
    "registers.read": "查看重点人群",
    "registers.write": "登记重点人群",
    "visits.read": "查看走访记录",
    "visits.write": "登记走访记录",
    "requests.read": "查看居民诉求",
    "requests.receive": "受理居民诉求",
    "requests.assign": "分派居民诉求",
    "requests.handle": "处置居民诉求",
    "requests.feedback": "回访评价",
    "requests.reopen": "重新打开诉求",
    "places.write": "维护网格和楼栋",
    "users.manage": "管理用户",
    "keys.manage": "管理数据库加密",
    "audit.read": "查看审计日志",
    "stats.read": "查看统计",
    "reports.print": "打印表单和报表",
    "data.export": "导出数据(脱敏)",
    "data.export_unmasked": "导出未脱敏数据",
    "data.import": "导入数据",
    "backup.run": "备份数据库",
    # A shared PostgreSQL holds every community: its dump is the street's (or an administrator's).
    "backup.server": "备份整个街道的数据库(PostgreSQL)",
    "backup.restore": "恢复数据库",
    "month.lock": "锁定已打印月份",
    "month.unlock": "解锁已锁定月份",
    "data.retention": "到期个人信息去标识",
}

_READ = {"ledger.read", "registers.read", "visits.read", "requests.read", "stats.read"}
_REQUESTS = {f"requests.{verb}" for verb in ("read", "receive", "assign", "handle", "feedback", "reopen")}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset(PERMISSION_NAMES),
    "street": frozenset(_READ | {"reports.print", "data.export", "audit.read", "backup.server"}),
    "director": frozenset(
        _READ | _REQUESTS | {
            "ledger.write", "reveal.id", "reveal.phone", "registers.write", "visits.write",
            "places.write", "audit.read", "reports.print", "data.export",
            "data.export_unmasked", "data.import", "backup.run", "month.lock",
        }
    ),
    "staff": frozenset(
        _READ | _REQUESTS | {
            "ledger.write", "reveal.id", "reveal.phone", "registers.write", "visits.write",
            "reports.print", "data.export", "month.lock",
        }
    ),
    "clerk": frozenset(
        _READ | {"ledger.write", "visits.write", "requests.receive", "requests.feedback", "reports.print"}
    ),
    "grid_worker": frozenset(
        _READ | {
            "ledger.write", "reveal.phone", "visits.write", "requests.receive",
            # Masked lists of their own grids only (scope applies to every export).
            "requests.handle", "reports.print", "data.export",
        }
    ),
}

# Roles whose accounts are tied to grids (their data scope is those grids only).
GRID_SCOPED_ROLES = frozenset({"grid_worker"})
# Roles that see every community in a shared database.
STREET_ROLES = frozenset({"street"})


def allowed(actor: Actor, permission: str) -> bool:
    """True if the actor's role grants the permission; unknown roles and permissions are denied."""
    return permission in ROLE_PERMISSIONS.get(actor.role, frozenset())


def require(actor: Actor, permission: str) -> None:
    """Raise PermissionDenied unless the actor may do this."""
    if not allowed(actor, permission):
        what = Term(f"rights.{permission}") if permission in PERMISSION_NAMES else permission
        raise PermissionDenied("permissions.denied", role=role_name(actor.role), what=what)


def role_name(role: str) -> Term | str:
    """A role's name in the message's language (an unknown role shows its code)."""
    return Term(f"roles.{role}") if role in ROLES else role
