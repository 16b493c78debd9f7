"""Installs are pinned: every dependency has a version in constraints.txt, and the tests run on it."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins() -> dict[str, str]:
    found = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, pinned = line.partition("==")
            assert pinned, f"constraints.txt: {line!r} is not pinned with =="
            found[canonical(name)] = pinned
    return found


def declared() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = project["dependencies"] + [r for group in project["optional-dependencies"].values()
                                              for r in group]
    return [canonical(re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0]) for requirement in requirements]


def test_every_declared_dependency_is_pinned():
    pinned = pins()
    assert [name for name in declared() if name not in pinned] == []


def test_the_suite_runs_on_the_pinned_versions():
    wrong = {}
    for name, pinned in pins().items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            continue  # a platform's own package (e.g. SecretStorage off Linux) need not be here
        if installed != pinned:
            wrong[name] = (installed, pinned)
    assert wrong == {}, "installed ≠ constraints.txt: run `make test` (it reinstalls from the pins)"


def test_both_readme_commands_install_through_the_pins():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    installs = [line for line in makefile.splitlines() if "pip install" in line and ".venv-lock" not in line]
    assert installs and all("-c constraints.txt" in line for line in installs)
