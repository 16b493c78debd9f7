"""The app's memory after password checks: argon2's 19 MiB go back to the system each time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# In a fresh process (a test worker's allocator has seen other tests' blocks): a password hashed
# (a user added), the app created, then the login and two unlocks of the idle lock screen, each
# in its own thread as the app's workers run them. Prints how much the checks left resident.
CHECKS = """
import threading
from pathlib import Path
from screens.app import create_app
from station.accounts.login import unknown_name_key
from station.accounts.passwords import hash_password, verify_password
from station.settings import Settings

def resident_mb():
    status = Path("/proc/self/status").read_text().splitlines()
    return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024

def check():
    unknown_name_key("clerk")
    assert verify_password(hashed, "Counter-2026")

hashed = hash_password("Counter-2026")
create_app(settings=Settings(), open_db=lambda: None)
before = resident_mb()
for _ in range(3):
    thread = threading.Thread(target=check)
    thread.start()
    thread.join()
print(round(resident_mb() - before, 1))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmRSS from /proc")
def test_password_checks_leave_no_argon2_memory_behind():
    """glibc served the second check's 19 MiB from a thread's heap and kept it (+19 MB for the
    rest of the day after a clerk unlocked the lock screen or logged in again)."""
    result = subprocess.run([sys.executable, "-c", CHECKS], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert float(result.stdout) < 4.0
