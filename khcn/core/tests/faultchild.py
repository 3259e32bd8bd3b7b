"""The child side of the kill tests: runs one real write in its own process, against the test
database, where a fault point (khcn.core.faults) may kill it.

Children are forked from one server process per test worker (multiprocessing's "forkserver", with
this module preloaded), so Django starts once, not once per kill; each child opens its own database
connection. The parent (test_kill.py) calls `spawn(...)` and looks at the database afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django
from django.apps import apps

if not apps.ready:  # in the fork server (in the test process Django is already set up)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khcn.settings_test")
    django.setup()


# --- What a child does ----------------------------------------------------------------------------


def _import(*, dataset: str, path: str, user_id: int | None) -> dict[str, Any]:
    from khcn.accounts.models import User
    from khcn.core import datasets

    user = User.objects.get(pk=user_id) if user_id else None
    result = datasets.run_import(dataset, Path(path).name, Path(path).read_bytes(), user=user)
    return {"status": result.status, "errors": [e.message for e in result.errors[:3]]}


def _contract_sign(*, task_id: int, user_id: int, department_id: int, number: str, tranches: list) -> dict[str, Any]:
    from khcn.accounts.models import User
    from khcn.directory.models import Organisation
    from khcn.research import services
    from khcn.research.models import Task

    contract = services.contract_sign(
        task=Task.objects.get(pk=task_id),
        number=number,
        signed_on=dt.date(2024, 3, 1),
        department=Organisation.objects.get(pk=department_id),
        by=User.objects.get(pk=user_id),
        tranches=tranches,
    )
    return {"contract": contract.pk}


def _export(*, job_id: int) -> dict[str, Any]:
    from khcn.core import jobs

    return {"status": jobs.run_export.call(job_id=job_id)}


SCENARIOS = {"import": _import, "contract_sign": _contract_sign, "export": _export}


def run(spec: dict[str, Any]) -> None:
    """The child: point Django at the test database, run the scenario, write its result."""
    log = os.open(spec["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.environ.update(spec["env"])
    from django.conf import settings
    from django.db import connections

    connections["default"].settings_dict["NAME"] = spec["database"]
    settings.MEDIA_ROOT = spec["media_root"]
    try:
        result = SCENARIOS[spec["scenario"]](**spec["kwargs"])
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(1)
    Path(spec["out"]).write_text(json.dumps(result))
    os._exit(0)  # no clean-up: nothing of the fork server's state is the child's to close


# --- The parent's side ----------------------------------------------------------------------------


@dataclass
class Outcome:
    exitcode: int | None
    result: dict[str, Any] | None
    log: str

    @property
    def killed(self) -> bool:
        return self.exitcode == -9


_context: Any = None


def spawn(
    scenario: str,
    *,
    workdir: Path,
    point: str = "",
    action: str = "kill",
    timeout: float = 120,
    **kwargs: Any,
) -> Outcome:
    """Run `scenario` in a child process that dies (or loses its connection) at `point`."""
    global _context
    from django.conf import settings
    from django.db import connection

    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload([__name__])
    tag = f"{scenario}-{point or 'whole'}-{action}".replace("#", "_")
    spec = {
        "scenario": scenario,
        "kwargs": kwargs,
        "env": {"KHCN_FAULT_POINT": point, "KHCN_FAULT_ACTION": action, "KHCN_TESTING": "1"},
        "database": connection.settings_dict["NAME"],
        "media_root": str(settings.MEDIA_ROOT),
        "log": str(workdir / f"{tag}.log"),
        "out": str(workdir / f"{tag}.json"),
    }
    Path(spec["out"]).unlink(missing_ok=True)
    child = _context.Process(target=run, args=(spec,), daemon=True)
    child.start()
    child.join(timeout)
    if child.is_alive():
        child.kill()
        child.join()
        raise AssertionError(f"{tag}: the child did not finish in {timeout} s")
    out = Path(spec["out"])
    return Outcome(
        exitcode=child.exitcode,
        result=json.loads(out.read_text()) if out.exists() else None,
        log=Path(spec["log"]).read_text(errors="replace"),
    )
