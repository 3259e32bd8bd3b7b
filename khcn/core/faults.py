"""Named fault points for the kill tests (security.md §5 "Fault injection", goals G6 and G7).

A long write calls `faults.point("import.written")` at the moments where dying would hurt most
(between two tables, before the commit). In production, and in every test that does not ask for
it, a point does nothing. A test runs the write in a child process with KHCN_FAULT_POINT naming
a point, and the process dies there, deterministically:

    KHCN_FAULT_POINT=import.written      SIGKILL at the first pass through that point
    KHCN_FAULT_POINT=bulk.insert#2       ... at the second pass (the second table written)
    KHCN_FAULT_ACTION=disconnect         instead of dying, lose the database connection there
                                         (pg_terminate_backend on PostgreSQL; on SQLite the
                                         statement fails as on a failing disk)

Points fire only when KHCN_TESTING is set too, so a stray variable on a server cannot kill it.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

ENV_POINT = "KHCN_FAULT_POINT"
ENV_ACTION = "KHCN_FAULT_ACTION"

_passes: Counter[str] = Counter()


def point(name: str) -> None:
    """A place where a test may make this process fail; a no-op unless KHCN_FAULT_POINT names it."""
    wanted = os.environ.get(ENV_POINT)
    if not wanted or not wanted.startswith(name):
        return
    target, _sep, nth = wanted.partition("#")
    if target != name or os.environ.get("KHCN_TESTING") != "1":
        return
    _passes[name] += 1
    if _passes[name] != int(nth or 1):
        return
    if os.environ.get(ENV_ACTION, "kill") == "disconnect":
        _disconnect()
    else:
        os.kill(os.getpid(), signal.SIGKILL)


def _disconnect() -> None:
    from django.db import OperationalError, connection

    if connection.vendor == "postgresql":
        # The server ends this session: the statement fails and the transaction is gone, as when
        # an administrator or a failover cuts the connection mid-import.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    # SQLite has no connection to lose: the statement fails as on a full or failing disk.
    raise OperationalError("disk I/O error (fault injection)")
