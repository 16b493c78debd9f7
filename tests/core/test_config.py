"""station.toml: found in the documented order, validated with messages naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from station.config import configured_language, load_settings
from station.errors import ConfigError

GOOD = """
[station]
name = "测试站"
community_code = "T01"
language = "en"
idle_lock_minutes = 5

[database]
url = "sqlite:///db/test.db"

[requests.deadline_hours]
urgent = 1

[requests.categories]
parking = "停车管理"

[requests.category_deadline_hours.parking]
normal = 48

[registers.categories]
veteran_widow = "烈属遗孀"

[registers.visit_every_days]
veteran_widow = 60
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "station.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_values_and_extends_code_tables(tmp_path):
    settings = load_settings(write(tmp_path, GOOD))
    assert settings.station.language == "en" and settings.station.idle_lock_minutes == 5
    assert settings.deadline_hours("parking", "normal") == 48
    assert settings.deadline_hours("parking", "urgent") == 1
    assert settings.deadline_hours("other", "normal") == 168
    assert settings.registers.categories["veteran_widow"] == "烈属遗孀"
    assert "elderly_alone" in settings.registers.categories
    assert settings.visit_every_days("veteran_widow") == 60
    assert settings.resolve("db/test.db") == tmp_path.resolve() / "db/test.db"


def test_lookup_order_option_then_env_then_cwd(tmp_path, monkeypatch):
    explicit = write(tmp_path, '[station]\nname = "显式"\n')
    env_dir = tmp_path / "env"
    env_dir.mkdir()
    (env_dir / "station.toml").write_text('[station]\nname = "环境"\n', encoding="utf-8")
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    (cwd / "station.toml").write_text('[station]\nname = "当前目录"\n', encoding="utf-8")
    monkeypatch.chdir(cwd)
    monkeypatch.delenv("STATION_CONFIG", raising=False)
    assert load_settings().station.name == "当前目录"
    monkeypatch.setenv("STATION_CONFIG", str(env_dir / "station.toml"))
    assert load_settings().station.name == "环境"
    assert load_settings(explicit).station.name == "显式"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[station]\ncolour = 1\n", "未知配置项 station.colour"),
        ("[stations]\nname = 1\n", "未知配置项 stations"),
        ('[station]\nlanguage = "fr"\n', "station.language"),
        ('[station]\nidle_lock_minutes = "ten"\n', "station.idle_lock_minutes 应为整数"),
        ("[station]\nidle_lock_minutes = 0\n", "必须大于 0"),
        ("[backup]\nkeep = true\n", "backup.keep"),
        ('[database]\nurl = "postgresql://u:secret@h/db"\n', "不能包含密码"),
        ('[database]\nurl = "mysql://h/db"\n', "只支持"),
        ("[requests.deadline_hours]\nsoon = 3\n", "requests.deadline_hours.soon"),
        ("[requests.category_deadline_hours.nothing]\nurgent = 3\n", "nothing"),
        ("[registers.visit_every_days]\nunknown_cat = 3\n", "unknown_cat"),
        ("[requests]\nat_risk_ratio = 2\n", "at_risk_ratio"),
        ("[station\nname=1", "TOML 格式错误"),
    ],
)
def test_bad_config_is_refused_naming_file_and_key(tmp_path, text, words):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(path) in caught.value.message
    assert words in caught.value.message


def test_missing_explicit_file(tmp_path):
    with pytest.raises(ConfigError, match="找不到配置文件"):
        load_settings(tmp_path / "nope.toml")


def test_shipped_station_toml_is_valid():
    settings = load_settings(Path(__file__).parents[2] / "station.toml")
    assert settings.database.url.startswith("sqlite")


def test_keymap_ids_may_be_written_with_or_without_quotes(tmp_path):
    settings = load_settings(write(tmp_path, '[keymap]\napp.lock = "f9"\n"nav.dashboard" = "f11"\n'))
    assert settings.keymap == {"app.lock": "f9", "nav.dashboard": "f11"}
    with pytest.raises(ConfigError, match="keymap.app.lock"):
        load_settings(write(tmp_path, "[keymap]\napp.lock = 9\n"))


def test_the_language_alone_is_read_in_the_same_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STATION_CONFIG", raising=False)
    assert configured_language() == "zh"  # no file at all
    (tmp_path / "station.toml").write_text('[station]\nlanguage = "en"\n', encoding="utf-8")
    assert configured_language() == "en"
    other = tmp_path / "other.toml"
    other.write_text("[station]\nname = \"x\"\n", encoding="utf-8")
    monkeypatch.setenv("STATION_CONFIG", str(other))
    assert configured_language() == "zh"
    assert configured_language(tmp_path / "station.toml") == "en"


@pytest.mark.parametrize("text", ['[station]\nlanguage = "fr"\n', "[station\n", "station = 1\n",
                                  '[station]\nlanguage = ["en"]\n', "\udcff"])
def test_the_language_of_a_broken_file_is_chinese_and_never_a_failure(tmp_path, text):
    path = tmp_path / "station.toml"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    assert configured_language(path) == "zh"
    assert configured_language(tmp_path / "missing.toml") == "zh"
