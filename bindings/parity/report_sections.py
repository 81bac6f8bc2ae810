"""The deterministic sections of a parity report: the model, its inputs with their sources, the
results table, costs by payer, the decision tree and the published figures the model targets.

Each function returns a :class:`parity.report_html.Section`; the uncertainty and budget-impact
sections are in :mod:`parity.report_uncertainty` and :mod:`parity.report_budget`.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence

import pandas as pd

from . import _core
from .budget_impact import _is_number
from .report_html import (
    Section,
    definition_list,
    join,
    money,
    note,
    number,
    paragraph,
    table,
    tag,
)

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model
    from .results import Results

#: The willingness-to-pay values every report shows net monetary benefit at: NICE's threshold
#: range (PMG36, section 4.10), whatever the model's own ``wtp`` setting.
NICE_WTP = (20_000.0, 30_000.0)


def wtp_values(results: "Results") -> list[float]:
    """NICE's £20,000 and £30,000 per QALY, then the model's own values not among them."""
    return list(dict.fromkeys([*NICE_WTP, *(float(w) for w in results.wtp)]))


def _settings_notes(folder: Optional[Path]) -> dict[str, str]:
    """The notes column of settings.csv (why each setting has its value), if the folder has one."""
    path = folder / "settings.csv" if folder is not None else None
    if path is None or not path.exists():
        return {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = [r for r in csv.reader(f) if r and not r[0].strip().startswith("#")]
    if not rows:
        return {}
    header = [c.strip().lower() for c in rows[0]]
    if "setting" not in header or "notes" not in header:
        return {}
    at, notes_at = header.index("setting"), header.index("notes")
    return {r[at].strip(): r[notes_at].strip() for r in rows[1:] if len(r) > max(at, notes_at)}


def _horizon(model: "Model") -> str:
    settings = model.spec.settings
    if model.spec.has_tree and settings.n_cycles == 0:
        return ("decision tree only, no Markov cycles: payoffs at entry, or over the years "
                "after entry that tree_payoffs.csv gives them")
    years = settings.n_cycles * settings.cycle_length
    unit = "year" if settings.cycle_length == 1 else "years"
    return f"{settings.n_cycles:,} cycles of {settings.cycle_length:.4g} {unit} = {years:.4g} years"


def model_summary(model: "Model", results: "Results", folder: Optional[Path]) -> Section:
    """What the model is: its description, structure and settings (with their reasons)."""
    spec = model.spec
    settings = dict(spec.settings.to_pairs())
    perspective = settings.get("perspective", "")
    facts = [
        ("Model", spec.name),
        ("Type", "decision tree" + (" ending in a Markov model" if spec.states else "")
         if spec.has_tree else "cohort state-transition (Markov) model"),
        ("Time horizon", _horizon(model)),
        ("Currency and price year", f"{results.currency or 'not stated'}, "
         + (f"{results.price_year} prices" if results.price_year else "price year not stated in settings.csv (see the description)")),
        ("Discount rates", f"costs {float(settings.get('discount_rate_costs', 'nan')):.1%}, "
         f"QALYs and life-years {float(settings.get('discount_rate_outcomes', 'nan')):.1%} a year"
         + (f" (schedule {settings['discount_schedule']})" if settings.get("discount_schedule") else "")),
        ("Perspective", "costs of the payers " + ", ".join(perspective.split(";"))
         + " count in total costs" if perspective else "every cost category counts in total costs"),
        ("Willingness to pay", ", ".join(money(w, results.currency) for w in wtp_values(results))
         + " per QALY (NICE's range and the model's own values)"),
    ]
    if folder is not None:
        facts.insert(1, ("Folder", str(folder)))
    parts = [paragraph(spec.description or "The model has no description (settings.csv 'description')."),
             definition_list(facts)]
    if spec.states:
        parts.append(table(
            ["State", "Label", "Alive", "Tunnel length"],
            [(s.name, s.label, "yes" if s.alive else "no (dead)", s.tunnel_length) for s in spec.states],
            caption="Health states", numeric=[3],
        ))
    parts.append(table(["Strategy", "Label"], [(s.name, s.label) for s in spec.strategies],
                       caption="Strategies compared"))
    described = dict(_core.setting_descriptions())
    reasons = _settings_notes(folder)
    parts.append(table(
        ["Setting", "Value", "Meaning", "Why (settings.csv notes)"],
        [(name, value.replace(";", "; "), described.get(name, ""), reasons.get(name, ""))
         for name, value in settings.items()],
        caption="Settings",
    ))
    return Section("model", "Model summary", join(parts))


def _distribution(p: _core.Parameter) -> str:
    if not p.distribution:
        return "none (fixed in the PSA)"
    return f"{p.distribution} ({p.distribution_parameters})" if p.distribution_parameters else p.distribution


def inputs(model: "Model") -> Section:
    """Every parameter with its value, unit, price year, source and PSA distribution, and the
    lookup tables with theirs."""
    compiled = model.compile()
    values = compiled.parameter_values(0)
    rows = []
    for p in model.spec.parameters:
        value = values.get(p.name, math.nan)
        # Large values in full (1,700,000, not 1.7e+06): a finance reader checks them digit by digit.
        shown = [f"{value:,.0f}" if 1e5 <= abs(value) < 1e15 else f"{value:,.6g}"]
        if not _is_number(p.expression):
            shown.append(tag("div", f"= {p.expression}", class_="formula"))
        if compiled.parameter_varies_with_time(p.name):
            shown.append(tag("div", "at cycle 0; varies with time", class_="minor"))
        cited = [p.source or "no source given"]
        if p.notes:
            cited.append(tag("div", p.notes, class_="minor"))
        rows.append((tag("span", p.name, class_="name"), join(shown), p.unit, p.price_year,
                     _distribution(p), join(cited)))
    parts = [
        paragraph("Every input of the model as parameters.csv gives it: the value the base case "
                  "uses (with the formula, where parameters.csv gives one), its source and notes. "
                  "Parameters with a distribution vary in the probabilistic sensitivity analysis."),
        table(["Parameter", "Value", "Unit", "Price year", "PSA distribution", "Source and notes"],
              rows, caption=f"Parameters ({len(rows)})", numeric=[1], class_="inputs"),
    ]
    if model.spec.tables:
        parts.append(table(["Lookup table", "Source"], [(t.name, t.source) for t in model.spec.tables],
                           caption="Lookup tables (tables.csv)"))
    categories = model.spec.cost_categories
    if categories:
        counted = dict(zip(compiled.cost_categories, compiled.cost_in_total))
        parts.append(table(
            ["Cost category", "Label", "Payer", "Cash-releasing", "Counted in total cost", "Notes"],
            [(c.name, c.label, c.payer or "not assigned", "yes" if c.cash_releasing else "no",
              "yes" if counted.get(c.name, True) else "no (outside the perspective)", c.notes)
             for c in categories],
            caption="Cost categories (cost_categories.csv)",
        ))
    return Section("inputs", "Inputs and sources", join(parts))


def _status(row: pd.Series) -> str:
    if row["status"] == "frontier":
        return f"frontier, vs {row['comparator']}" if row["comparator"] else "frontier (reference)"
    return row["note"] or str(row["status"]).replace("_", " ")


def results_table(results: "Results") -> Section:
    """Costs, QALYs, life-years, the incremental analysis with dominance, and net monetary
    benefit at NICE's thresholds."""
    cur = results.currency
    t = results.table()
    wtps = wtp_values(results)
    nmb = results.net_benefit(wtps).set_index(["wtp", "strategy"])["net_monetary_benefit"]
    headers = ["Strategy", "Cost", "QALYs", "Life-years", "Incremental cost", "Incremental QALYs",
               "ICER (per QALY)", "Status"]
    rows, classes = [], []
    for name, row in t.iterrows():
        icer = money(row["icer"], cur) if not pd.isna(row["icer"]) else ("—" if row["status"] == "frontier" else "dominated")
        rows.append([name, money(row["cost"], cur), number(row["qalys"]), number(row["life_years"]),
                     money(row["incremental_cost"], cur), number(row["incremental_qalys"]), icer,
                     _status(row)])
        classes.append("" if row["status"] == "frontier" else "dominated")
    best = {w: nmb.loc[w].idxmax() for w in wtps}
    nmb_rows = [[name] + [tag("strong", money(nmb[(w, name)], cur)) if best[w] == name
                          else money(nmb[(w, name)], cur) for w in wtps]
                for name in results.strategies]
    prices = f"{results.price_year} prices" if results.price_year else "the model's prices"
    parts = [
        table(headers, rows, numeric=[1, 2, 3, 4, 5, 6],
              caption=f"Discounted totals per person ({cur}, {prices}); sorted by cost",
              row_classes=classes),
        paragraph("Incremental costs, QALYs and ICERs are against the next less costly strategy on "
                  "the cost-effectiveness frontier; strategies that cost more for fewer QALYs are "
                  "dominated, those with a higher ICER than a more effective strategy extendedly "
                  "dominated."),
        table(["Strategy"] + [f"at {money(w, cur)} per QALY" for w in wtps], nmb_rows,
              numeric=range(1, 1 + len(wtps)),
              caption="Net monetary benefit per person (willingness to pay x QALYs - cost); the "
                      "highest at each willingness to pay, in bold, is the preferred strategy"),
        definition_list([(f"Preferred at {money(w, cur)} per QALY", best[w]) for w in wtps]),
    ]
    if len(t) > 1 and (t["qalys"] == t["qalys"].iloc[0]).all():
        parts.append(note("Every strategy has the same QALYs: the model does not value health "
                          "effects, so ICERs are undefined and the preferred strategy is the "
                          "least costly. Read the costs by payer and the budget impact instead."))
    return Section("results", "Results", join(parts))


def costs_by_payer(results: "Results") -> Section:
    """Discounted costs by category, and by payer with each strategy's savings against the
    first strategy, where the model assigns payers."""
    cur = results.currency
    by_category = results.costs_by_category
    strategies = results.strategies
    rows = [[c, results.payers[c] or "not assigned"] + [money(by_category.loc[s, c], cur) for s in strategies]
            for c in results.categories]
    rows.append(["all categories", ""] + [money(by_category.loc[s].sum(), cur) for s in strategies])
    parts = [table(["Cost category", "Payer", *strategies], rows, numeric=range(2, 2 + len(strategies)),
                   caption="Discounted cost per person by category",
                   row_classes=[""] * (len(rows) - 1) + ["total"])]
    if not any(results.payers.values()):
        parts.append(note("The model assigns no payers to its cost categories (cost_categories.csv "
                          "has no payer column), so costs are not split by who bears them."))
        return Section("payers", "Costs by category", join(parts))
    by_payer = results.costs_by_payer
    parts.append(table(["Payer", *strategies],
                       [[p] + [money(by_payer.loc[s, p], cur) for s in strategies] for p in by_payer.columns],
                       numeric=range(1, 1 + len(strategies)), caption="Discounted cost per person by payer"))
    savings = results.savings()
    comparator = strategies[0]
    for strategy, group in savings.groupby("strategy", sort=False):
        per_payer = group.groupby("payer", sort=False).agg(
            saving=("saving", "sum"),
            cash=("saving", lambda s: s[group.loc[s.index, "cash_releasing"]].sum()),
            undiscounted=("saving_undiscounted", "sum"),
        )
        rows = [[p, money(r.saving, cur), money(r.cash, cur), money(r.undiscounted, cur)]
                for p, r in per_payer.iterrows()]
        total = per_payer.sum()
        rows.append(["all payers", money(total.saving, cur), money(total.cash, cur), money(total.undiscounted, cur)])
        parts.append(table(
            ["Payer", "Saving (discounted)", "of which cash-releasing", "Saving (undiscounted)"], rows,
            numeric=[1, 2, 3], row_classes=[""] * (len(rows) - 1) + ["total"],
            caption=f"Who saves: {strategy} against {comparator}, per person (negative: costs more)",
        ))
    return Section("payers", "Costs by payer and savings", join(parts))


def _depths(tree: pd.DataFrame) -> list[int]:
    depth: dict[str, int] = {}
    out = []
    for node, parent in zip(tree["node"], tree["parent"]):
        depth[node] = depth.get(parent, -1) + 1 if parent else 0
        out.append(depth[node])
    return out


def _probability(p: float) -> str:
    """Four decimals, or three significant digits for a branch too rare to show in four."""
    return f"{p:.4f}" if p == 0 or p >= 0.001 else f"{p:.3g}"


def decision_tree(results: "Results", in_total: Sequence[bool]) -> Section:
    """The decision tree of each strategy as evaluated: branch and reach probabilities and each
    node's expected payoff."""
    cur = results.currency
    counted = [c for c, flag in zip(results.categories, in_total) if flag]
    parts = [paragraph("Each node's expected payoff is the probability of reaching it times the "
                       "payoff of a person who does; summed over a strategy's nodes they give its "
                       "totals in the results table. Cost in total counts the categories of the "
                       "model's perspective; all categories adds the rest.")]
    for strategy in results.strategies:
        tree = results.tree(strategy)
        rows = []
        for depth, (_, n) in zip(_depths(tree), tree.iterrows()):
            rows.append(["  " * depth + ("└ " if depth else "") + (n["label"] or n["node"]),
                         _probability(n["probability"]), _probability(n["reach_probability"]),
                         money(n[counted].sum() if counted else 0.0, cur, 2),
                         money(n[results.categories].sum(), cur, 2), number(n["qalys"], 4)])
        parts.append(table(["Node", "Branch probability", "Reach probability", "Cost in total",
                            "Cost, all categories", "QALYs"], rows, numeric=[1, 2, 3, 4, 5],
                           caption=f"Decision tree: {strategy}", class_="tree"))
    return Section("tree", "Decision tree", join(parts))


def replication(folder: Path) -> Section:
    """Published figures (targets.csv) beside the model's, with their status."""
    from .replicate import _difference_text, _model_text, _published_text, replicate, summary_line
    from .targets import CALIBRATED, FAILED, REPRODUCED

    found = replicate(folder)
    css = {REPRODUCED: "status-reproduced", CALIBRATED: "status-calibrated", FAILED: "status-failed"}
    body = [
        [r["figure"], r["report"], _published_text(r), _model_text(r), _difference_text(r),
         tag("span", r["status"], class_=css.get(r["status"])), r["source"]]
        for _, r in found.iterrows()
    ]
    parts = [
        paragraph("The published figures this model targets (targets.csv), each computed from the "
                  "model by its own arithmetic, beside the published value. Reproduced: within the "
                  "rounding of the published figure; calibrated: an unknown input was set to hit "
                  "it; not reproduced: the notes in targets.csv say why. " + summary_line(found) + "."),
        table(["Figure", "Report", "Published", "Model", "Difference", "Status", "Source"], body,
              numeric=[2, 3, 4], caption="Published and reproduced figures (parity replicate)",
              class_="replication"),
    ]
    return Section("replication", "Published vs reproduced", join(parts))

