"""Stop a publish inside its open transaction, so a test can kill it or back the store up mid-publish.

Import this module in a worker process with ``KALBAR_TEST_PAUSE_IN_PUBLISH="SECONDS[:MARKER_FILE]"`` set (or run
``python -m tests.support.pause geo publish …``): every engine then sleeps right before it writes a version's
data (after the version's row, before its data and audit rows), first writing its pid to MARKER_FILE. It
listens to SQLAlchemy's public engine events, so the store itself carries no test hook.
"""

from __future__ import annotations

import os
import runpy
import sys
import time

from sqlalchemy import event
from sqlalchemy.engine import Engine

ENV = "KALBAR_TEST_PAUSE_IN_PUBLISH"
_spec = os.environ.get(ENV, "")


@event.listens_for(Engine, "before_cursor_execute")
def _pause(_conn, _cursor, statement, _params, _context, _many) -> None:  # noqa: ANN001
    if not _spec or not statement.lstrip().upper().startswith("INSERT INTO VERSION_DATA"):
        return
    seconds, _, marker = _spec.partition(":")
    if marker:
        with open(marker, "w", encoding="utf-8") as fh:
            fh.write(str(os.getpid()))
    time.sleep(float(seconds))


if __name__ == "__main__":  # python -m tests.support.pause MODULE ARGS...: run MODULE as ``python -m`` would
    module, sys.argv = sys.argv[1], sys.argv[1:]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
