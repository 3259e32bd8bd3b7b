"""S&T tasks: part 1 (calls, proposals, plans, selection, appraisal) in planning.py; part 2
(contract to results applied in practice) in execution.py."""

from khcn.research.models.execution import *  # noqa: F403
from khcn.research.models.planning import *  # noqa: F403
from khcn.research.models.planning import MAX_BUDGET, MAX_DURATION_MONTHS, MONEY_VALIDATORS, MONTHS_VALIDATORS  # noqa: F401
