"""Every write of the task lifecycle: part 1 (planning.py) and part 2 (execution.py)."""

from khcn.research.services.execution import *  # noqa: F403
from khcn.research.services.planning import *  # noqa: F403
from khcn.research.services.planning import _next_code, _require, _today  # noqa: F401
