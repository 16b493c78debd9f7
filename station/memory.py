"""Memory goes back to the system when freed (glibc): large blocks always, and what a big job
held when it ends.

A password check (argon2: 19 MiB, plus 8 MiB for the login's unknown-name digest) asks for one
large block. glibc serves the first from mmap and unmaps it when freed, but then raises its mmap
threshold to that block's size, so the next check's block comes from the worker thread's heap,
whose top glibc keeps: the counter held 19 MB more for the rest of the day after the idle lock
screen was unlocked or a clerk logged in again. A fixed threshold keeps such blocks on mmap.
"""

from __future__ import annotations

import ctypes
import os

M_MMAP_THRESHOLD = -3  # mallopt's parameter number in glibc's malloc.h
LARGE_BLOCK_BYTES = 4 * 1024 * 1024  # well below argon2's blocks, far above everyday ones


def return_large_blocks() -> None:
    """Serve every block of LARGE_BLOCK_BYTES or more from mmap, for good (no-op off glibc)."""
    if not _is_glibc():
        return
    ctypes.CDLL(None).mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK_BYTES)


def give_back_free_memory() -> None:
    """Return the heap's free memory to the system now (glibc's malloc_trim; no-op elsewhere):
    after a job that held many small blocks (SQLite's pages), glibc would keep them all."""
    if _is_glibc():
        ctypes.CDLL(None).malloc_trim(0)


def _is_glibc() -> bool:
    try:
        return os.confstr("CS_GNU_LIBC_VERSION") is not None
    except (AttributeError, ValueError, OSError):  # Windows has no confstr; musl knows no such name
        return False
