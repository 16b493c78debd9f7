"""Whether the terminal the app was started in is still there.

A terminal that goes away without the app being stopped (a tmux session or SSH link cut, `make
run` in a window that was closed: the app outlives its hang-up) leaves standard input at end of
file, and Textual's input thread then reads nothing in a loop at a whole core
(Textualize/textual#6690), the database open. The app checks every few seconds and leaves: no
one can type into a form there any more, and what was saved is saved. It leaves at once, as a
hang-up would have ended it: Textual's own way out writes to the terminal and waits for it (a
dead one: forever), and every write here is a transaction, whole or not at all, as after kill -9.
On Windows closing the console ends the process, so nothing is watched there.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from contextlib import suppress
from typing import NoReturn

CHECK_SECONDS = 2.0
HUNG_UP = 129  # the exit status of a process ended by SIGHUP, which is what this stands for


def terminal_attached() -> bool:
    """True while standard input is a terminal (False once it hung up, or never was one)."""
    stdin = sys.__stdin__
    if os.name != "posix" or stdin is None:
        return False
    try:
        return os.isatty(stdin.fileno())
    except (OSError, ValueError):  # closed
        return False


def leave(close: Callable[[], None], log: logging.Logger) -> NoReturn:
    """End the process now: the terminal is gone (see the module's docstring)."""
    log.warning("终端已断开,程序退出")
    with suppress(Exception):  # leaving regardless: the connections close with the process
        close()
    logging.shutdown()
    os._exit(HUNG_UP)
