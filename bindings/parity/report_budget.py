"""The budget-impact section of a parity report: the business case of a model folder
(business_case.csv) year by year for an Integrated Care System or a population, as
``parity business-case`` computes it."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Optional

from . import business_case_plots
from .business_case import FILE, business_case_inputs
from .report_html import Section, definition_list, figure, join, money, note, number, paragraph, share, table

TITLE = "Budget impact"


def not_configured(folder: Optional[Path], tree: bool = False) -> Section:
    """The section of a model without a business case, saying so."""
    where = (f"the folder {folder} has no {FILE}" if folder is not None
             else "the model was built in Python, not read from a folder with a business case")
    if tree:
        where += (" (a decision tree's payoffs also need their years after entry, the from_year "
                  "and years columns of tree_payoffs.csv, to fall in budget years)")
    return Section("budget", TITLE, note(
        f"Budget impact is not configured for this model: {where}. Add {FILE} (population, "
        "eligibility, uptake, investment; docs/how-to/business-case.md) to get the year-by-year "
        "budget, return on investment and break-even year here and from parity business-case."))


def _year(y: int) -> str:
    return f"year {y}" if y else "not within the horizon"


def budget_section(folder: Path, ics: Optional[str] = None, population: Optional[float] = None) -> Section:
    """Cohort sizing, the budget year by year, the investment summary and its charts.

    Parameters
    ----------
    folder
        A model folder with business_case.csv.
    ics, population
        An Integrated Care System or a number of people instead of the file's population.
    """
    inputs = business_case_inputs(folder, ics=ics, population=population)
    bia = inputs.run()
    cur = str(inputs.model.spec.settings.currency or "GBP")
    sizing = bia.sizing
    s = bia.summary
    prices = f"{bia.price_year} prices" if bia.price_year else "the model's prices"
    chosen = ("--ics" if ics is not None else "--population" if population is not None
              else f"{FILE}; change with --ics NAME or --population N")
    facts = [
        ("Case", f"{bia.strategy} against current practice ({bia.comparator})"),
        ("Area", f"{sizing.area}: population {sizing.population:,.0f} (from {chosen})"),
        ("Eligible", f"{sizing.basis} {sizing.rate:.4g} x population = {sizing.eligible:,.1f} a year"
         if sizing.basis != "entrants" else "entrants given year by year in the business case"),
        ("Uptake", ", ".join(share(u) for u in sizing.uptake) + " of the eligible, years 1 onwards"),
        ("Horizon and prices", f"{len(bia.years)} budget years; {cur}, {prices}; costs undiscounted, "
         "NPV discounted at the HM Treasury Green Book rate"),
    ]
    if bia.staffing is not None:
        plan = bia.staffing
        facts.append(("Staffing", f"whole teams of {plan.capacity:,.4g} people a year (team_capacity): "
                      + ", ".join(str(n) for n in plan.teams) + f" in post, years 1 onwards; "
                      f"{plan.set_up} set up; the one-off and recurring costs are per team"))
    yearly = bia.yearly
    cumulative = (yearly["gross_savings"] - yearly["investment"]).cumsum()
    rows = [[y, number(r.entrants, 1), money(r.investment, cur), money(r.gross_savings, cur),
             money(r.cash_savings, cur), money(r.net_budget_impact, cur), money(c, cur),
             money(r.present_value_net_savings, cur)]
            for (y, r), c in zip(yearly.iterrows(), cumulative)]
    rows.append(["total", number(yearly["entrants"].sum(), 1), money(s["total_investment"], cur),
                 money(s["total_gross_savings"], cur), money(s["total_cash_savings"], cur),
                 money(s["net_budget_impact"], cur), "", money(s["npv"], cur)])
    roi = (lambda x: "undefined (no investment)" if math.isnan(x) else share(x))
    summary = [
        ("Wider benefits (not budget savings)",
         f"{money(s['total_wider_benefits'], cur)} outside the budget perspective "
         f"({bia.perspective_name}): not counted in savings, ROI, NPV or break-even"),
        ("Return on investment", f"{roi(s['roi'])} (cash-releasing savings only: {roi(s['cash_roi'])})"),
        ("Net present value", money(s["npv"], cur) + " of net savings (savings - investment)"),
        ("Break-even", f"{_year(int(s['break_even_year']))} (cash-releasing savings only: "
         f"{_year(int(s['cash_break_even_year']))})"),
    ]
    parts = [
        paragraph("The cost to the local health economy of offering the intervention in each budget "
                  "year, against current practice, for new entrants each year (an open cohort), by "
                  "who pays. Savings are cash-releasing where cost_categories.csv says so; others "
                  "free capacity only."),
        definition_list(facts),
        table(["Year", "People starting", "Investment", "Gross savings", "of which cash-releasing",
               "Net budget impact", "Cumulative net savings", "Net savings, present value"],
              rows, numeric=range(0, 8), row_classes=[""] * (len(rows) - 1) + ["total"],
              caption=f"Year by year ({cur}, {prices}); net budget impact = investment - savings"),
        definition_list(summary),
        figure(lambda ax: business_case_plots.payer_bars(bia, ax=ax, currency=cur),
               "Intervention minus current practice by payer in each budget year: above zero what a "
               "payer spends more, below zero what it saves; the black bar is the net budget impact."),
        figure(lambda ax: business_case_plots.cumulative_net_savings(bia, ax=ax, currency=cur),
               "Cumulative net savings by the end of each budget year, with all savings and with "
               "cash-releasing savings only."),
        table(["Input", "Value", "Source", "Notes"],
              [(k, v, src, n) for k, v, src, n in inputs.case.table().itertuples(index=False)],
              caption=f"Business-case inputs ({FILE})"),
    ]
    return Section("budget", TITLE, join(parts))
