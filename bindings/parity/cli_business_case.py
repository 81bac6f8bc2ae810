"""``parity business-case``: the budget impact and investment view of a model folder's
business case (business_case.csv) for an ICS or a population, as a terminal summary, an Excel
workbook with live formulas and CSV tables."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import pandas as pd

from . import _core
from .budget_impact import BudgetImpactResults
from .business_case import run_business_case
from .populations import ics_population
from .prices import PriceIndex

#: The CSV files ``--csv DIR`` writes, and what each holds.
CSV_FILES = {
    "cohort_sizing.csv": "population, rate, eligible, uptake and entrants per budget year",
    "budget.csv": "undiscounted cost per budget year, strategy, category and payer",
    "increments.csv": "intervention minus current practice per year and category, with the "
    "payer, cash-releasing and investment flags",
    "by_payer.csv": "cost per budget year and strategy, one column per payer",
    "yearly.csv": "investment, gross and cash-releasing savings, net budget impact, cumulative, "
    "discount factors and present values per year",
    "summary.csv": "totals, ROI, benefit-cost ratio, NPV and break-even year",
    "who_pays_who_saves.csv": "investing payer against saving payer",
}

EPILOG = (
    "The Excel workbook (--out FILE.xlsx) has the sheets Summary, Year by year, Charts, Inputs, "
    "Assumptions and Model results; its totals are formulas over its own cells. --csv DIR "
    "writes " + ", ".join(CSV_FILES) + ". Method: docs/methods/budget-impact.md; guide: "
    "docs/how-to/business-case.md."
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
        f"{len(results.years)} years ({money})",
        f"  people entering        {s['entrants']:>16,.1f}",
        f"  investment             {_money(s['total_investment']):>16}",
        f"  gross savings          {_money(s['total_gross_savings']):>16}",
        f"  cash-releasing savings {_money(s['total_cash_savings']):>16}",
        f"  net budget impact      {_money(s['net_budget_impact']):>16}  (investment - savings)",
        f"  return on investment   {_share(s['roi']):>16}  (cash-releasing only: {_share(s['cash_roi'])})",
        f"  net present value      {_money(s['npv']):>16}  (Green Book discounting of net savings)",
        f"  break-even year        {_year(int(s['break_even_year'])):>16}  "
        f"(cash-releasing only: {_year(int(s['cash_break_even_year']))})",
    ]
    return "\n".join(lines)


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
    results = run_business_case(
        folder, ics=args.ics, population=args.population, years=args.years,
        price_year=args.price_year,
    )
    from .model import Model

    currency = str(Model.from_folder(folder).spec.settings.currency or "GBP")
    if args.out:
        if Path(args.out).suffix.lower() != ".xlsx":
            raise _core.InputError(f"--out {args.out}: the workbook's name must end in .xlsx")
        from .business_case_workbook import write_workbook

        write_workbook(results, args.out, folder)
    print(render_summary(results, currency))
    if args.out:
        print(f"  wrote the workbook {args.out}")
    if args.csv:
        written = write_csv(results, Path(args.csv))
        print(f"  wrote {len(written)} CSV files to {args.csv}")
    sys.stdout.flush()
    return 0
