"""The admin CLI in the configured language: with `language = "en"` everything it says is English
(only the stored data stays as typed); by default it speaks Chinese as it always has."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from cli_station import ENTRY, cli_env, in_english, init_admin, station, write_config
from import_books import HEADER, families, person, write_openpyxl

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
COMMANDS = [[], ["user"], ["user", "add"], ["user", "list"], ["user", "disable"], ["user", "passwd"],
            ["secret"], ["secret", "set"], ["init"], ["run"], ["doctor"], ["demo"], ["stats"], ["check"],
            ["export"], ["backup"], ["restore"], ["backup-key"], ["import"], ["template"], ["report"],
            ["report", "monthly"], ["report", "household"], ["report", "person"], ["report", "visits"],
            ["report", "receipt"], ["month"], ["month", "lock"], ["month", "unlock"], ["month", "list"],
            ["recover"], ["recovery-key"]]


def chinese(text: str, *data: str) -> list[str]:
    """The lines of `text` still holding CJK characters once the data given is taken out."""
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, "")
    return [line for line in text.splitlines() if CJK.search(line)]


@pytest.fixture
def english(tmp_path) -> Path:
    write_config(tmp_path)
    in_english(tmp_path)
    return tmp_path


def test_every_help_is_english(english):
    for command in COMMANDS:
        shown = station(english, *command, "--help")
        assert shown.returncode == 0, (command, shown.stderr)
        assert not chinese(shown.stdout + shown.stderr), command
    assert "User accounts" in station(english, "--help").stdout
    assert "--password-stdin" in station(english, "user", "add", "--help").stdout
    assert "[reports] folder" in station(english, "report", "monthly", "--help").stdout  # not read as markup


def test_the_help_follows_the_config_the_command_line_names(tmp_path):
    write_config(tmp_path)  # Chinese, and $STATION_CONFIG in the child's environment
    english = tmp_path / "en"
    english.mkdir()
    in_english(write_config(english).parent)
    for option in (["--config", str(english / "station.toml")], ["-c", str(english / "station.toml")],
                   [f"--config={english / 'station.toml'}"]):
        shown = station(tmp_path, *option, "user", "--help")
        assert shown.returncode == 0 and "User accounts" in shown.stdout, option
    assert "用户管理" in station(tmp_path, "user", "--help").stdout


@pytest.mark.parametrize("broken", ["[station\n", '[station]\nlanguage = "fr"\n'])
def test_a_broken_config_still_gives_chinese_help(tmp_path, broken):
    (tmp_path / "station.toml").write_text(broken, encoding="utf-8")
    shown = station(tmp_path, "--help")
    assert shown.returncode == 0 and "社区服务站" in shown.stdout


def test_help_loads_neither_the_database_nor_the_screens(english):
    probe = ("import sys; sys.argv = ['station', '--help']\nimport cli\ntry:\n    cli.main()\nexcept SystemExit:\n"
             "    pass\nprint(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'sqlalchemy', 'models'}))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=english, capture_output=True, text=True,
                            env=cli_env(english), timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stderr
    assert ENTRY  # the same entry point the other tests drive


def test_what_the_commands_say_is_english_apart_from_the_data(english):
    data = ["测试站", "测试社区", "管理员"]
    said = [init_admin(english),
            station(english, "user", "add", "chief", "--name", "管理员", "--role", "admin", "--password-stdin",
                    stdin="Str0ng-Pass\n"),
            station(english, "user", "list"),
            station(english, "stats"),
            station(english, "doctor"),
            station(english, "check"),
            station(english, "backup"),
            station(english, "report", "monthly", "--month", "2026-01"),
            station(english, "month", "list")]
    for result in said:
        assert result.returncode == 0, result.args
        assert not chinese(result.stdout + result.stderr, *data), result.args
    init, added, listing, stats, doctor, check, backup, monthly, months = (r.stdout for r in said)
    assert "Database ready" in init and "Administrator created" in init and "User added" in added and "Administrator" in added
    assert "Username" in listing and "active" in listing and "管理员" in listing
    assert "Households living here" in stats and "Requests · Received" in stats
    assert "Configuration" in doctor and "Chinese font" in doctor
    assert "All rules hold" in check and "Backup made" in backup and "Written" in monthly
    assert "No month is locked" in months


def test_an_import_refused_in_english_names_row_and_column(english):
    assert init_admin(english).returncode == 0
    rows = families(1) + [person("X1", "错号", "110105194912310021", "户主")]
    write_openpyxl(english / "bad.xlsx", rows)
    refused = station(english, "import", "bad.xlsx")
    assert refused.returncode == 1 and "Nothing imported" in refused.stdout
    data = [*HEADER, *(str(value) for row in rows for value in row.values())]
    assert not chinese(refused.stdout + refused.stderr, *data)


def test_by_default_the_same_commands_still_speak_chinese(tmp_path):
    write_config(tmp_path)
    assert "社区服务站" in station(tmp_path, "--help").stdout
    assert "姓名" in station(tmp_path, "user", "add", "--help").stdout
    created = init_admin(tmp_path).stdout
    assert "数据库已就绪" in created and "已创建管理员" in created
    assert station(tmp_path, "user", "add", "chief", "--name", "管理员", "--role", "admin", "--password-stdin",
                   stdin="Str0ng-Pass\n").stdout.startswith("已添加用户")
    listing = station(tmp_path, "user", "list").stdout
    assert "用户名" in listing and "系统管理员" in listing and "正常" in listing
    assert "在住户数" in station(tmp_path, "stats").stdout
    assert "中文字体" in station(tmp_path, "doctor").stdout
    assert "备份完成" in station(tmp_path, "backup").stdout
