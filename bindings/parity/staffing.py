"""The staffing plan of a business case: whole teams sized to each budget year's demand.

A service is staffed in whole teams. With a team's capacity ``c`` (people one team sees a year)
and ``N_y`` people entering in budget year ``y``, the plan puts

    teams_y = ceil(N_y / c)

teams in post in year ``y`` (each paid the recurring cost), and sets up a team (paying the
one-off cost) when it is first needed: ``built_y = max(built_{y-1}, teams_y)`` teams have been
set up by the end of year ``y``, at least one in year 1 (the service starts), and
``added_y = built_y - built_{y-1}`` set-ups are paid in year ``y``. A team no longer needed is
not set up again when demand returns. Formulas: docs/methods/budget-impact.md, section 3.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from . import _core

#: Decimals the ratio N_y / c is rounded to before rounding up, so that a demand of exactly
#: two teams' caseload computed in floating point (252.00000000000003 / 126) is two teams, not
#: three. The workbook's formula rounds the same way.
RATIO_DECIMALS = 9


@dataclass(frozen=True)
class StaffingPlan:
    """Teams in post and team set-ups paid, per budget year.

    Attributes
    ----------
    capacity : float
        People one team sees a year.
    teams : list of int
        Teams in post in each budget year: ``ceil(N_y / capacity)``.
    added : list of int
        Teams set up in each budget year (the one-off cost is paid this many times).
    """

    capacity: float
    teams: list[int]
    added: list[int]

    @property
    def set_up(self) -> int:
        """Teams set up over the horizon (the most in post in any year, at least 1)."""
        return sum(self.added)


def check_capacity(capacity: float, what: str = "team capacity") -> float:
    """``capacity`` as a float, or an InputError saying why it cannot size teams.

    Parameters
    ----------
    capacity
        People one team sees a year.
    what
        How the message names the value (e.g. ``business_case.csv:14: 'team_capacity'``).
    """
    try:
        value = float(capacity)
    except (TypeError, ValueError):
        raise _core.InputError(f"{what}: {capacity!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise _core.InputError(
            f"{what} is {value:g}: a team's capacity must be a positive number of people a "
            "year (e.g. the team's caseload), so that the teams needed are entrants / capacity"
        )
    return value


def staffing_plan(entrants: Sequence[float], capacity: float) -> StaffingPlan:
    """Whole teams for each year's entrants, and the set-ups they need.

    Parameters
    ----------
    entrants
        People entering in each budget year.
    capacity
        People one team sees a year (> 0).

    Returns
    -------
    StaffingPlan

    Raises
    ------
    parity.InputError
        For a capacity that is not a positive finite number.
    """
    capacity = check_capacity(capacity)
    teams = [math.ceil(round(float(n) / capacity, RATIO_DECIMALS)) for n in entrants]
    added, built = [], 0
    for y, n in enumerate(teams):
        now = max(built, n, 1 if y == 0 else 0)
        added.append(now - built)
        built = now
    return StaffingPlan(capacity, teams, added)
