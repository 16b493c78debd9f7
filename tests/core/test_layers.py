"""Layer rules: dependencies point one way, and the core never loads UI or printing libraries."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


CORE_MODULES = sorted(
    _module_name(path) for path in (ROOT / "station").rglob("*.py")
    if "migrations" not in path.parts
)


def test_import_linter_contracts_hold():
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    result = subprocess.run([lint_imports], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 6 kept, 0 broken" in result.stdout


def test_core_and_models_load_no_ui_printing_or_pinyin_libraries():
    code = (
        "import importlib, sys\n"
        f"for name in {CORE_MODULES + ['models']!r}: importlib.import_module(name)\n"
        "banned = [m for m in ('textual', 'rich', 'typer', 'reportlab', 'openpyxl', 'pypinyin')"
        " if m in sys.modules]\n"
        "print(','.join(banned))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_every_core_module_is_checked():
    assert "station.ledger.households" in CORE_MODULES and len(CORE_MODULES) > 20


def test_opening_a_screen_loads_no_pdf_or_excel_library():
    """reportlab and openpyxl load with the first print or import, never when a screen opens
    (they cost the counter ~20 MB and a pause on every first open)."""
    screens = sorted(_module_name(path) for path in (ROOT / "screens").rglob("*.py"))
    code = (
        "import importlib, sys\n"
        f"for name in {screens!r}: importlib.import_module(name)\n"
        "print(','.join(m for m in ('reportlab', 'openpyxl', 'xlsxwriter') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert len(screens) > 30 and result.stdout.strip() == ""
