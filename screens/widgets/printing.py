"""Print from any screen: the job runs in a worker, the file lands under [reports] folder and
goes to the printer where the machine has `lp`; the clerk is told where the file is."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from reports.printer import has_printer
from screens.base import Localized

if TYPE_CHECKING:
    from reports.printouts import Printout

# A print job from reports.print_jobs: (uow, ..., send=) -> Printout, audited inside.
PrintJob = Callable[..., "Printout"]


def start_print(screen: Localized, job: PrintJob, *args: Any, **kwargs: Any) -> None:
    """Run `job(uow, *args, send=<lp exists>)` as the logged-in user and report the result."""
    screen.station.notify(screen.t("print.working"), timeout=3)
    screen.call(job, *args, send=has_printer(), on_done=partial(_done, screen), **kwargs)


def _done(screen: Localized, printout: Printout) -> None:
    files = "\n".join(str(path) for path in printout.files)
    if printout.printed:
        message = screen.t("print.sent", files=files, job=printout.printed)
    else:
        message = screen.t("print.saved", files=files)
    screen.station.notify(message, title=printout.document, timeout=12)
