"""The counter's ledger at 200k persons, driven in a fresh process (bench/ledger_ui_child.py):
keystroke to updated results (≤ 50 ms), opening a household (≤ 100 ms), resident set size after
scrolling the whole ledger (≤ 120 MB)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from bench.search_bench import percentile
from bench.tui_bench import ROOT, station_config, tui_database

KEYSTROKE_TARGET_MS, OPEN_TARGET_MS, RSS_TARGET_MB = 50.0, 100.0, 120.0


def run(out: Path, quick: bool) -> list[tuple[str, float | str, str]]:
    work = out / "tui"
    work.mkdir(parents=True, exist_ok=True)
    database, _persons = tui_database(out, work, quick)
    figures = _child(station_config(work, database))
    keys, opened = figures["keystroke_ms"], figures["open_household_ms"]
    key_p95, open_median = percentile(keys, 0.95), statistics.median(opened)
    rss = figures["rss_after_scrolling_mb"]
    return [
        ("ledger_ui_persons", figures["persons"], "persons"),
        ("ledger_keystroke_median", round(statistics.median(keys), 1), "ms"),
        ("ledger_keystroke_p95", round(key_p95, 1), "ms"),
        ("ledger_keystroke_max", round(max(keys), 1), "ms"),
        ("ledger_keystroke_after_scrolling_all_median",
         round(statistics.median(figures["keystroke_after_scroll_ms"]), 1), "ms"),
        ("ledger_keystroke_after_scrolling_all_p95",
         round(percentile(figures["keystroke_after_scroll_ms"], 0.95), 1), "ms"),
        ("ledger_open_household_median", round(open_median, 1), "ms"),
        ("ledger_open_household_max", round(max(opened), 1), "ms"),
        ("ledger_page_read_median", round(statistics.median(figures["page_ms"]), 1), "ms"),
        ("ledger_pages_read_while_scrolling", figures["pages_read"], "pages"),
        ("ledger_rss_ledger_open", round(figures["rss_ledger_open_mb"], 1), "MB"),
        ("ledger_rss_after_scrolling_all", round(rss, 1), "MB"),
        ("ledger_rss_at_end", round(figures["rss_at_end_mb"], 1), "MB"),
        ("ledger_rss_growth_per_household_opened", round(figures["rss_growth_per_open_kb"]), "KB"),
        ("target_keystroke_p95_le_50ms", "ok" if key_p95 <= KEYSTROKE_TARGET_MS else "FAIL", ""),
        ("target_open_household_median_le_100ms", "ok" if open_median <= OPEN_TARGET_MS else "FAIL", ""),
        ("target_rss_after_scrolling_le_120mb", "ok" if rss <= RSS_TARGET_MB else "FAIL", ""),
    ]


def _child(config: Path) -> dict:
    # Prepared in a process of its own: a fresh copy's first start (the day's backup, the bench
    # user's argon2 hash) left 5-17 MB in the measured process that a clerk's start does not have.
    _run_child("--prepare", str(config))
    return json.loads(_run_child(str(config)).strip().splitlines()[-1])


def _run_child(*args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "bench.ledger_ui_child", *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=1200,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    if result.returncode != 0:
        raise RuntimeError(f"the ledger bench failed: {result.stderr[-2000:]}")
    return result.stdout


if __name__ == "__main__":
    for name, value, unit in run(ROOT / "bench" / "out", quick="--quick" in sys.argv):
        print(f"{name}: {value} {unit}".rstrip(), flush=True)
