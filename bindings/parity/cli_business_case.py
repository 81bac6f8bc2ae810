"""``parity business-case``: the budget impact and investment view of a model folder's
business case (business_case.csv) for an ICS or a population, as a terminal summary, an Excel
workbook with live formulas and CSV tables."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Optional

import pandas as pd

from . import _core
from . import business_case_uncertainty as bcu
from .budget_impact import BudgetImpactResults
from .business_case import business_case_inputs
from .business_case_scenarios import BusinessCaseScenarios, folder_scenarios
from .business_case_uncertainty import BusinessCasePsa
from .populations import ics_population
from .prices import PriceIndex

#: The CSV files ``--csv DIR`` writes, and what each holds.
CSV_FILES = {
    "cohort_sizing.csv": "population, rate, eligible, uptake and entrants per budget year",
    "budget.csv": "undiscounted cost per budget year, strategy, category and payer",
    "increments.csv": "intervention minus current practice per year and category, with the "
    "payer, cash-releasing and investment flags",
    "by_payer.csv": "cost per budget year and strategy, one column per payer",
    "yearly.csv": "investment, gross and cash-releasing savings, wider benefits, net budget "
    "impact, cumulative, discount factors and present values per year",
    "summary.csv": "totals, ROI, benefit-cost ratio, NPV, break-even year, the budget "
    "perspective and the wider benefits outside it",
    "who_pays_who_saves.csv": "investing payer against saving payer (budget perspective only)",
    "wider_benefits.csv": "savings outside the budget perspective by category and payer: not "
    "budget savings, counted in no other figure",
}

#: The uncertainty CSV files ``--csv DIR`` writes: the PSA's with ``--psa N``, the scenarios'
#: when the folder has scenarios.csv or business_case_scenarios.csv, the tornado's always.
UNCERTAINTY_CSV_FILES = {
    "break_even.csv": "probability of breaking even by each year (PSA)",
    "intervals.csv": "mean and 95% interval of investment, savings and net savings by year (PSA)",
    "psa_summary.csv": "ROI, NPV and net savings over the horizon with 95% intervals (PSA)",
    "scenarios.csv": "the named scenarios side by side: ROI, NPV, break-even year, net savings",
    "roi_tornado.csv": "one-way range of the ROI for each uncertain parameter",
}

#: How many tornado rows the terminal shows.
TORNADO_ROWS = 5

EPILOG = (
    "The Excel workbook (--out FILE.xlsx) has the sheets Summary, Year by year, Charts, "
    "Scenarios (when the folder has scenarios), Uncertainty (PSA and ROI tornado), Inputs, "
    "Assumptions and Model results; its totals are formulas over its own cells, the scenarios "
    "and uncertainty are values from the model. --csv DIR writes " + ", ".join(CSV_FILES)
    + " and " + ", ".join(UNCERTAINTY_CSV_FILES) + ". Method: docs/methods/budget-impact.md; "
    "guide: docs/how-to/business-case.md."
)


def add_command(sub: "argparse._SubParsersAction") -> None:
    """Register ``parity business-case`` on the ``parity`` command's subparsers."""
    cmd = sub.add_parser(
        "business-case",
        help="budget impact, ROI, NPV and break-even of a model folder's business case",
        description="Run the business case of a model folder (business_case.csv) for an "
        "Integrated Care System or a population: cost per budget year by category and payer "
        "(open cohort, undiscounted), investment, savings (cash-releasing or not), return on "
        "investment, net present value at the Green Book rate and the break-even year.",
        epilog=EPILOG,
    )
    cmd.add_argument("model", help="a model folder with business_case.csv, e.g. params/pcpm")
    who = cmd.add_mutually_exclusive_group()
    who.add_argument("--ics", metavar="NAME",
                     help="an Integrated Care System's name or code (e.g. \"Nottingham and "
                     "Nottinghamshire\" or QT1) instead of the file's population")
    who.add_argument("--population", type=float, metavar="N",
                     help="a number of people instead of the file's population")
    cmd.add_argument("--years", type=int, metavar="H", help="budget years, 1 to 10")
    cmd.add_argument("--price-year", metavar="YEAR",
                     help="price year of the results, e.g. 2024 or 2024/25 (NHS cost inflation "
                     "index, 2008/09 to 2024/25)")
    cmd.add_argument("--out", metavar="FILE.xlsx", help="write the Excel workbook")
    cmd.add_argument("--csv", metavar="DIR", help="write the tables as CSV files into DIR")
    cmd.add_argument("--psa", type=int, metavar="N",
                     help="run a probabilistic sensitivity analysis of N samples: probability "
                     "of breaking even by year, intervals on net savings (default: none)")
    cmd.add_argument("--seed", type=int, default=1, metavar="S",
                     help="seed of the PSA (default 1): the same seed gives the same results")
    cmd.add_argument("--threads", type=int, metavar="T",
                     help="worker threads of the PSA (default: every core)")
    cmd.set_defaults(func=run_command)


def _money(x: float) -> str:
    return f"{x:,.0f}"


def _share(x: float) -> str:
    return "undefined (no investment)" if math.isnan(x) else f"{x:.1%}"


def _year(y: int) -> str:
    return f"year {y}" if y else "none within the horizon"


def render_summary(results: BudgetImpactResults, currency: str = "GBP") -> str:
    """The terminal summary of a business case."""
    s = results.summary
    prices = f"{results.price_year} prices" if results.price_year else "the model's prices"
    money = f"{currency}, {prices}, undiscounted"
    lines = [
        f"Business case: {results.strategy} vs {results.comparator}, {results.sizing.area}, "
        f"{len(results.years)} years, perspective {results.perspective_name} ({money})",
        f"  people entering        {s['entrants']:>16,.1f}",
        *_staffing_lines(results),
        f"  investment             {_money(s['total_investment']):>16}",
        f"  gross savings          {_money(s['total_gross_savings']):>16}",
        f"  cash-releasing savings {_money(s['total_cash_savings']):>16}",
        f"  net budget impact      {_money(s['net_budget_impact']):>16}  (investment - savings)",
        f"  return on investment   {_share(s['roi']):>16}  (cash-releasing only: {_share(s['cash_roi'])})",
        f"  net present value      {_money(s['npv']):>16}  (Green Book discounting of net savings)",
        f"  break-even year        {_year(int(s['break_even_year'])):>16}  "
        f"(cash-releasing only: {_year(int(s['cash_break_even_year']))})",
    ]
    if results.perspective is not None:
        lines.append(
            "  wider benefits outside the budget perspective (not counted): "
            + _money(s["total_wider_benefits"])
        )
    return "\n".join(lines)


def _staffing_lines(results: BudgetImpactResults) -> list[str]:
    """The teams line of the summary when the costs are per team (``team_capacity``)."""
    plan = results.staffing
    if plan is None:
        return []
    teams = ", ".join(str(n) for n in plan.teams)
    return [
        f"  teams in post by year  {teams:>16}  (a team sees {plan.capacity:,.4g} people a year; "
        f"{plan.set_up} set up)"
    ]


def _break_even_cell(year: int) -> str:
    return str(year) if year else "none"


def render_uncertainty(
    psa: Optional[BusinessCasePsa],
    scenarios: Optional[BusinessCaseScenarios],
    tornado: Optional[pd.DataFrame],
) -> str:
    """The terminal lines of the uncertainty: the probability of breaking even by year (PSA),
    the scenarios side by side and the top rows of the ROI tornado."""
    lines: list[str] = []
    if psa is not None:
        be = psa.break_even()
        intervals = psa.intervals().set_index(["measure", "year"])
        lines += [
            "",
            f"Probability of breaking even (PSA, {psa.n_samples:,} samples, seed {psa.seed})",
            f"  {'by the end of':<14}{'probability':>12}{'cash-releasing':>16}"
            f"{'cumulative net savings, mean [95% interval]':>50}",
        ]
        for year, row in be.iterrows():
            c = intervals.loc[("cumulative_net_savings", year)]
            lines.append(
                f"  {'year ' + str(year):<14}{row['probability']:>12.1%}"
                f"{row['probability_cash']:>16.1%}"
                f"{_money(c['mean']) + ' [' + _money(c['lower']) + ', ' + _money(c['upper']) + ']':>50}"
            )
    if scenarios is not None:
        table = scenarios.summary
        names = list(table.index)
        width = max(14, *(len(n) + 2 for n in names))
        lines += ["", "Scenarios", "  " + f"{'':<24}" + "".join(f"{n:>{width}}" for n in names)]
        for label, key, fmt in (
            ("return on investment", "roi", _share),
            ("net present value", "npv", _money),
            ("net savings", "net_savings", _money),
            ("break-even year", "break_even_year", lambda y: _break_even_cell(int(y))),
        ):
            lines.append("  " + f"{label:<24}" + "".join(f"{fmt(table.loc[n, key]):>{width}}" for n in names))
    if tornado is not None:
        lines += ["", f"ROI tornado (top {TORNADO_ROWS}; each parameter over its 95% range, the "
                  "others at the case's values)"]
        if tornado.empty:
            lines.append("  no parameter has a range (no PSA distributions in parameters.csv)")
        else:
            lines.append(f"  {'parameter':<24}{'range':>26}{'ROI at low':>14}{'ROI at high':>14}")
            for t in tornado.head(TORNADO_ROWS).itertuples(index=False):
                span = f"{t.low:.4g} to {t.high:.4g}"
                lines.append(f"  {t.parameter:<24}{span:>26}{_share(t.outcome_low):>14}"
                             f"{_share(t.outcome_high):>14}")
    return "\n".join(lines)


def write_uncertainty_csv(
    out: Path,
    psa: Optional[BusinessCasePsa],
    scenarios: Optional[BusinessCaseScenarios],
    tornado: Optional[pd.DataFrame],
) -> list[Path]:
    """Write the files of :data:`UNCERTAINTY_CSV_FILES` for the analyses that were run."""
    out.mkdir(parents=True, exist_ok=True)
    tables: dict[str, pd.DataFrame] = {}
    if psa is not None:
        tables["break_even.csv"] = psa.break_even().reset_index()
        tables["intervals.csv"] = psa.intervals()
        tables["psa_summary.csv"] = psa.summary().reset_index()
    if scenarios is not None:
        tables["scenarios.csv"] = scenarios.summary.reset_index()
    if tornado is not None:
        tables["roi_tornado.csv"] = tornado
    for name, table in tables.items():
        table.to_csv(out / name, index=False)
    return [out / name for name in tables]


def write_csv(results: BudgetImpactResults, out: Path) -> list[Path]:
    """Write the tables of :data:`CSV_FILES` into ``out`` (created if needed)."""
    out.mkdir(parents=True, exist_ok=True)
    tables: dict[str, pd.DataFrame] = {
        "cohort_sizing.csv": results.sizing.table(),
        "budget.csv": results.costs,
        "increments.csv": results.increments(),
        "by_payer.csv": results.by_payer().reset_index(),
        "yearly.csv": results.yearly.reset_index(),
        "summary.csv": results.summary.rename("value").rename_axis("measure").reset_index(),
        "who_pays_who_saves.csv": results.who_pays_who_saves.reset_index(),
        "wider_benefits.csv": results.wider_benefits(),
    }
    written = []
    for name, table in tables.items():
        table.to_csv(out / name, index=False)
        written.append(out / name)
    return written


def run_command(args: argparse.Namespace) -> int:
    folder = Path(args.model)
    if not (folder / "settings.csv").exists():
        raise _core.InputError(
            f"{args.model}: not a model folder (no settings.csv). Give a model folder with a "
            "business_case.csv, such as params/pcpm"
        )
    # Check the command line's own values first, so that the message names the option rather
    # than business_case.csv.
    if args.population is not None and not (math.isfinite(args.population) and args.population >= 0):
        raise _core.InputError(
            f"--population {args.population:g}: a population cannot be negative. Give the "
            "number of people in the area (or --ics NAME)"
        )
    if args.ics is not None:
        try:
            ics_population(args.ics)
        except _core.InputError as err:
            raise _core.InputError(f"--ics: {err}") from None
    if args.years is not None and not 1 <= args.years <= 10:
        raise _core.InputError(
            f"--years {args.years}: give a whole number of budget years from 1 to 10 (ISPOR "
            "recommends 1 to 5)"
        )
    if args.price_year is not None:
        try:
            PriceIndex().level(args.price_year)
        except _core.InputError as err:
            raise _core.InputError(f"--price-year: {err}") from None
    if args.out and Path(args.out).suffix.lower() != ".xlsx":
        raise _core.InputError(f"--out {args.out}: the workbook's name must end in .xlsx")
    if args.psa is not None and args.psa < 1:
        raise _core.InputError(f"--psa {args.psa}: give a number of samples of 1 or more, e.g. --psa 1000")
    if args.seed < 0:
        raise _core.InputError(f"--seed {args.seed}: give a whole number >= 0")
    if args.threads is not None and args.threads < 0:
        raise _core.InputError(f"--threads {args.threads}: give 1 or more (0: every core)")
    inputs = business_case_inputs(
        folder, ics=args.ics, population=args.population, years=args.years,
        price_year=args.price_year,
    )
    results = inputs.run()
    currency = str(inputs.model.spec.settings.currency or "GBP")
    psa = bcu.psa(inputs, args.psa, args.seed, threads=args.threads) if args.psa else None
    # Named scenarios run whenever the folder has them; the tornado is deterministic and fast.
    scenarios = bcu.scenarios(inputs) if folder_scenarios(inputs) else None
    tornado = bcu.roi_tornado(inputs)
    if args.out:
        from .business_case_workbook import write_workbook

        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        write_workbook(results, args.out, folder, psa=psa, scenarios=scenarios, tornado=tornado)
    print(render_summary(results, currency))
    print(render_uncertainty(psa, scenarios, tornado))
    if args.out:
        print(f"  wrote the workbook {args.out}")
    if args.csv:
        written = write_csv(results, Path(args.csv))
        written += write_uncertainty_csv(Path(args.csv), psa, scenarios, tornado)
        print(f"  wrote {len(written)} CSV files to {args.csv}")
    sys.stdout.flush()
    return 0
