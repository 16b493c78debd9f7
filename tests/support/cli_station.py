"""A station folder driven through the real CLI in a child process, as an admin runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENTRY = "import sys, cli; sys.argv[0] = 'station'; cli.main()"
CONFIG = ('[station]\ncommunity = "测试社区"\ncommunity_code = "T01"\n'
          '[database]\nurl = "sqlite:///data/station.db"\n')


def cli_env(folder: Path) -> dict[str, str]:
    """The environment of a CLI child: this checkout's code, `folder`'s station.toml, a wide console."""
    return {**os.environ, "PYTHONPATH": str(ROOT), "STATION_CONFIG": str(folder / "station.toml"),
            "COLUMNS": "200"}


def station(folder: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """`station ARGS` run in `folder` with its station.toml; output captured as text."""
    return subprocess.run([sys.executable, "-c", ENTRY, *args], cwd=folder, input=stdin,
                          capture_output=True, text=True, env=cli_env(folder), timeout=300)


def initialised(folder: Path) -> Path:
    """`folder` with write_config's station.toml and `station init` run."""
    write_config(folder)
    result = station(folder, "init")
    assert result.returncode == 0, result.stderr
    return folder


def new_station(folder: Path, households: int = 0, config: str = CONFIG) -> Path:
    """A station folder with its station.toml and, when asked, a demo community."""
    (folder / "station.toml").write_text(config, encoding="utf-8")
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
