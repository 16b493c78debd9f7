"""The real app in a real terminal: scripts/tui-smoke.sh drives `station run` in tmux."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_login_search_register_visit_request_in_tmux():
    station = Path(sys.executable).parent / "station"
    assert shutil.which("tmux"), "tmux is required (make test installs it)"
    assert station.exists(), f"{station} missing: install the project (make test does)"
    result = subprocess.run(["bash", str(ROOT / "scripts" / "tui-smoke.sh"), str(station)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "tui-smoke: all steps passed" in result.stdout + result.stderr
    for step in ("首次使用", "恢复密钥:只显示这一次", "用户名或密码错误", "在住户数", "已锁屏", "找到", "已登记 H", "请填写走访内容",
                 "已登记走访:张烟测", "请选择诉求类别", "文件已生成", "终端断开后退出"):
        assert f"ok: {step}" in result.stdout + result.stderr
