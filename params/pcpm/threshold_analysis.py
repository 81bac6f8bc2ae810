"""Break-even values behind the sensitivity statements in params/pcpm/README.md.

Run from the repository root: ``.venv/bin/python params/pcpm/threshold_analysis.py``.
Every figure the README quotes for the two published claims is printed here, so a reviewer can
rerun them after changing an input in parameters.csv. The engine's own one-way analysis
(``parity dsa params/pcpm``) covers the three-year net cost; this script covers the two claims,
whose measures are ratios that ``parity dsa`` does not offer as outcomes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Mapping

import parity

FOLDER = Path(__file__).resolve().parent
PCPM_SERVICES = ("gp_consultations", "outpatient", "emergency_department")
FIRST_YEAR = {"n_cycles": 12, "discount_rate": 0.0}


def pcpm_first_year_ratio(overrides: Mapping[str, float] | None = None) -> float:
    """First-year fall in GP, outpatient and A&E costs over the service's staff cost (O'Shea 2019).

    Parameters
    ----------
    overrides
        Parameter values replacing those in parameters.csv.

    Returns
    -------
    float
        The ratio targets.csv calls ``pcpm_savings_exceed_staff_cost`` (the claim is >= 1).
    """
    model = parity.load(FOLDER).set(**FIRST_YEAR)
    costs = model.run(overrides, keep_trace=False, keep_cycles=False).costs_by_category
    fall = sum(costs.loc["usual_care", c] - costs.loc["pcpm", c] for c in PCPM_SERVICES)
    return float(fall / costs.loc["pcpm", "pcpm_staff"])


def pcpcs_ratio(overrides: Mapping[str, float] | None = None) -> float:
    """Annual saving after treatment over the PCPCS cost per course (Parsonage et al. 2014).

    Parameters
    ----------
    overrides
        Parameter values replacing those in parameters.csv.

    Returns
    -------
    float
        The ratio targets.csv calls ``pcpcs_savings_third_of_cost`` (published: about 1/3).
    """
    compiled = parity.load(FOLDER).compile()
    values = compiled.parameter_values(0, dict(overrides or {}))
    return float(values["saving_year_after"] / values["c_course_pcpcs"])


def solve(
    ratio: Callable[[Mapping[str, float]], float], name: str, target: float, low: float, high: float
) -> float | None:
    """The value of ``name`` in [low, high] at which ``ratio`` equals ``target`` (bisection).

    Returns
    -------
    float or None
        None when the ratio does not cross the target within the range (it is monotone in every
        parameter solved for here).
    """
    f_low = ratio({name: low}) - target
    f_high = ratio({name: high}) - target
    if f_low * f_high > 0:
        return None
    for _ in range(60):
        mid = 0.5 * (low + high)
        f_mid = ratio({name: mid}) - target
        if f_low * f_mid <= 0:
            high = mid
        else:
            low, f_low = mid, f_mid
    return 0.5 * (low + high)


def main() -> None:
    """Print the base-case ratios, scenarios and break-even values quoted in the README."""
    base = parity.load(FOLDER).parameter_values()
    print(f"PCPM first-year ratio (claim >= 1): {pcpm_first_year_ratio():.3f}")
    all_gone = {f"red_{s}_after": 1.0 for s in ("gp", "op", "ae", "adm")}
    print(f"  with every GP/OP/A&E visit gone after treatment: "
          f"{pcpm_first_year_ratio(all_gone):.3f}")
    iapt = {"red_gp_after": 0.73, "red_ae_after": 0.61, "red_adm_after": 0.75}
    print(f"  with IAPT-LTC Cambridgeshire falls (GP 73%, A&E 61%): "
          f"{pcpm_first_year_ratio(iapt):.3f}")
    print(f"  with the PCPCS cost per course: "
          f"{pcpm_first_year_ratio({'c_course': base['c_course_pcpcs']}):.3f}")
    for name, low, high in [("c_course", 10.0, 5000.0), ("caseload_year", 10.0, 5000.0),
                            ("n_gp_year", 1.0, 500.0), ("n_op_year", 0.5, 500.0)]:
        value = solve(pcpm_first_year_ratio, name, 1.0, low, high)
        shown = "none in range" if value is None else f"{value:.1f}"
        print(f"  break-even {name}: {shown} (base {base[name]:.1f})")

    print(f"PCPCS savings / treatment cost (about 1/3): {pcpcs_ratio():.3f}")
    for name, low, high in [("rtm_reduction", 0.0, 0.25), ("n_op_year", 0.0, 30.0),
                            ("red_op_after", 0.0, 1.0), ("n_gp_year", 0.0, 60.0)]:
        edges = [solve(pcpcs_ratio, name, t, low, high) for t in (1 / 3 - 0.033, 1 / 3 + 0.033)]
        shown = ", ".join("none" if e is None else f"{e:.3f}" for e in edges)
        print(f"  {name} at the tolerance band edges 0.300 / 0.366: {shown} "
              f"(base {base[name]:.3f})")
    print(f"  rtm_reduction at which the saving vanishes: "
          f"{solve(pcpcs_ratio, 'rtm_reduction', 0.0, 0.0, 0.5):.3f}")


if __name__ == "__main__":
    main()
