"""Work run from several threads at once, as several counters would."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable


def at_once(work: Callable[[str], None], names: Iterable[str]) -> list[BaseException]:
    """Run `work(name)` in one thread per name, all at once; what the threads raised, to assert
    on (a thread's failure must fail the test, not just print)."""
    errors: list[BaseException] = []

    def guarded(name: str) -> None:
        try:
            work(name)
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
