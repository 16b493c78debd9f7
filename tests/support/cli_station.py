"""A station folder driven through the real CLI in a child process, as an admin runs it.

Every command but init, doctor and run acts as a logged-in user: `station()` runs as the
administrator `initialised()` creates (STATION_USER / STATION_PASSWORD, as a script would)
unless told `as_user=None` or another name and password.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENTRY = "import sys, cli; sys.argv[0] = 'station'; cli.main()"
CONFIG = ('[station]\ncommunity = "测试社区"\ncommunity_code = "T01"\n'
          '[database]\nurl = "sqlite:///data/station.db"\n')


ADMIN, ADMIN_PASSWORD = "admin", "Counter-Test-Key-42"


def cli_env(folder: Path, as_user: str | None = ADMIN, password: str | None = ADMIN_PASSWORD) -> dict[str, str]:
    """The environment of a CLI child: this checkout's code, `folder`'s station.toml, a wide
    console, and the user it logs in as (none: the variables are removed)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "STATION_CONFIG": str(folder / "station.toml"),
           "COLUMNS": "200"}
    env.pop("STATION_USER", None)
    env.pop("STATION_PASSWORD", None)
    if as_user is not None:
        env["STATION_USER"] = as_user
    if password is not None:
        env["STATION_PASSWORD"] = password
    return env


def station(folder: Path, *args: str, stdin: str = "", as_user: str | None = ADMIN,
            password: str | None = ADMIN_PASSWORD) -> subprocess.CompletedProcess:
    """`station ARGS` run in `folder` with its station.toml as `as_user`; output captured as text."""
    return subprocess.run([sys.executable, "-c", ENTRY, *args], cwd=folder, input=stdin,
                          capture_output=True, text=True, env=cli_env(folder, as_user, password), timeout=300)


def init_admin(folder: Path) -> subprocess.CompletedProcess:
    """`station init --admin admin` in `folder`: the database and its first administrator."""
    return station(folder, "init", "--admin", ADMIN, "--name", "管理员", "--password-stdin",
                   stdin=f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n", as_user=None, password=None)


def initialised(folder: Path) -> Path:
    """`folder` with write_config's station.toml, its database and first administrator."""
    write_config(folder)
    result = init_admin(folder)
    assert result.returncode == 0, result.stderr
    return folder


def new_station(folder: Path, households: int = 0, config: str = CONFIG) -> Path:
    """A station folder with its station.toml, its administrator and, when asked, a demo community."""
    (folder / "station.toml").write_text(config, encoding="utf-8")
    created = init_admin(folder)
    assert created.returncode == 0, created.stderr
    if households:
        created = station(folder, "demo", "-n", str(households))
        assert created.returncode == 0, created.stderr
    return folder


def write_config(folder: Path, extra: str = "") -> Path:
    """A station.toml for a station named 测试站 (plus `extra` lines)."""
    path = folder / "station.toml"
    path.write_text(
        '[station]\nname = "测试站"\ncommunity = "测试社区"\ncommunity_code = "T01"\n'
        '[database]\nurl = "sqlite:///data/station.db"\n' + extra,
        encoding="utf-8",
    )
    return path


def in_english(folder: Path) -> Path:
    """`folder`'s station.toml with `language = "en"` in its [station] table."""
    path = folder / "station.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("[station]\n", '[station]\nlanguage = "en"\n', 1),
                    encoding="utf-8")
    return path


def admin_actor(db):
    """The administrator `init_admin` made, as the actor of a service called directly."""
    from models import User
    from station.actor import Actor

    with db.session() as session:
        user = session.query(User).filter_by(username=ADMIN).one()
        return Actor(user_id=user.id, username=ADMIN, role="admin", community_id=None)
