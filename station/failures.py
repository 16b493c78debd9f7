"""Failures of the machine rather than of the input, said in one clear line.

A database another process holds locked, a full disk, a read-only file, a server that does not
answer: none is a bug, and none may reach a clerk or an admin as a traceback. `explain` turns
such an exception into a DatabaseError (or StationError) with a Chinese message saying what
happened and that nothing was saved; anything it does not recognise stays unexplained, for the
caller's generic "系统错误" line and the log.
"""

from __future__ import annotations

import errno
import sqlite3

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from station.errors import DatabaseError, StationError

NOTHING_SAVED = "本次操作未完成,数据未改动"
_SQLITE_MESSAGES = (
    ("database is locked", f"数据库正被其他程序占用(另一窗口或进程正在写入),请稍后重试;{NOTHING_SAVED}"),
    ("database table is locked", f"数据库正被其他程序占用,请稍后重试;{NOTHING_SAVED}"),
    ("database or disk is full", f"磁盘已满;{NOTHING_SAVED}。请清理磁盘空间后重试"),
    ("readonly database", f"数据库文件是只读的(或所在目录不可写),无法保存;{NOTHING_SAVED}"),
    ("unable to open database file", "无法打开数据库文件:目录不存在、无访问权限,或路径不是文件"),
    ("disk i/o error", f"读写磁盘出错(磁盘已满、已拔出或损坏);{NOTHING_SAVED}"),
    ("file is not a database", "数据库文件已损坏,或不是 station 的数据库;请从备份恢复(station restore)"),
)
_OS_MESSAGES = {
    errno.ENOSPC: f"磁盘已满;{NOTHING_SAVED}。请清理磁盘空间后重试",
    errno.EROFS: "目标位置是只读的,无法写入",
    errno.EACCES: "没有访问权限",
    errno.EPERM: "没有访问权限",
    errno.ENOENT: "找不到文件或目录",
    errno.EISDIR: "这是一个目录,不是文件",
    errno.ENOTDIR: "路径中的某一级不是目录",
}


def explain(error: BaseException) -> StationError | None:
    """The failure as a message a user can act on, or None when it is not a known kind."""
    if isinstance(error, StationError):
        return error
    if isinstance(error, IntegrityError):
        return DatabaseError(f"数据与已有记录冲突(可能有另一进程同时写入);{NOTHING_SAVED},请重试")
    if isinstance(error, OperationalError | DBAPIError):
        return _database(error.orig)
    if isinstance(error, sqlite3.Error):
        return _database(error)
    if isinstance(error, OSError):
        return _file(error)
    return None


def _database(cause: BaseException | None) -> StationError | None:
    text = str(cause or "").lower()
    for fragment, message in _SQLITE_MESSAGES:
        if fragment in text:
            return DatabaseError(message)
    from_server = cause is not None and type(cause).__module__.startswith("psycopg")
    if from_server and ("connect" in text or "server" in text):
        return DatabaseError(f"数据库服务器无法连接;{NOTHING_SAVED},请检查网络或联系管理员后重试")
    if isinstance(cause, OSError):
        return _file(cause)
    return None


def _file(error: OSError) -> StationError:
    what = _OS_MESSAGES.get(error.errno or 0, error.strerror or str(error))
    where = f":{error.filename}" if error.filename else ""
    if error.errno == errno.ENOSPC:
        return DatabaseError(f"{what}{where}")
    return StationError(f"文件操作失败{where}:{what}")
