"""The uncertainty sections of a parity report: the probabilistic sensitivity analysis (CE
plane, acceptability curves, EVPI) and the one-way sensitivity analysis (tornado)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from . import _core, dsa, plots
from .report_html import Section, definition_list, figure, join, money, note, number, paragraph, plain, table
from .report_sections import wtp_values
from .uncertainty import default_wtp_grid

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model
    from .psa import PsaResults
    from .results import Results

#: Tornado bars drawn and rows tabulated.
TORNADO_BARS = 15


def _price(results: "Results") -> str:
    return f"{results.currency}, {results.price_year} prices" if results.price_year else results.currency


def run_psa(model: "Model", samples: int, seed: int, threads: Optional[int]) -> "PsaResults | str":
    """The PSA, or the reason there is none (no parameter has a distribution)."""
    try:
        return model.psa(samples, seed, threads=threads, progress=False)
    except _core.ModelError as err:
        if any(p.distribution for p in model.spec.parameters):
            raise
        return f"No probabilistic sensitivity analysis: {err}"


def psa_section(results: "Results", psa: "PsaResults | str") -> Section:
    """CE plane, CEAC with its frontier, and EVPI per person at NICE's thresholds."""
    if isinstance(psa, str):
        return Section("psa", "Probabilistic sensitivity analysis", note(psa))
    cur = results.currency
    summary = psa.summary().set_index(["strategy", "outcome"])
    rows = []
    for s in psa.strategies:
        c, q = summary.loc[(s, "cost")], summary.loc[(s, "qalys")]
        rows.append([s, money(c["mean"], cur), f"{money(c['lower_95'], cur)} to {money(c['upper_95'], cur)}",
                     number(q["mean"]), f"{number(q['lower_95'])} to {number(q['upper_95'])}"])
    wtps = wtp_values(results)
    grid_max = max(100_000.0, 2 * max(wtps))
    grid = default_wtp_grid(grid_max, grid_max / 100)
    evpi = psa.evpi(wtps)
    ceac = psa.ceac(wtps).pivot(index="wtp", columns="strategy", values="probability")
    varying = len(psa.parameters.columns)
    no_qalys = bool((psa.effects == 0).all())
    parts = [
        note("The model counts no QALYs, so the CE plane shows only the spread of the incremental "
             "cost, the acceptability curves give the probability that each strategy costs least, "
             "and the EVPI is the value of knowing which does.") if no_qalys else join([]),
        paragraph(f"{psa.n_samples:,} samples (seed {psa.seed}); {varying} parameters vary, each "
                  "from the distribution in the inputs table; costs count the model's perspective."),
        table(["Strategy", "Mean cost", "95% interval", "Mean QALYs", "95% interval"], rows,
              numeric=[1, 2, 3, 4], caption=f"PSA means and 95% intervals ({_price(results)}, discounted)"),
        figure(lambda ax: plots.ce_plane(psa, wtp=wtps, ax=ax),
               "Cost-effectiveness plane: incremental cost against incremental QALYs of each strategy "
               f"vs {psa.strategies[0]} in every PSA sample, with the mean (diamond) and lines at "
               + ", ".join(money(w, cur) for w in wtps) + " per QALY."),
        figure(lambda ax: plots.ceac(psa, grid, ax=ax),
               "Cost-effectiveness acceptability curves: the probability that each strategy has the "
               "highest net monetary benefit at each willingness to pay; the grey band is the "
               "acceptability frontier, the dashed lines NICE's thresholds."),
        table(["Willingness to pay", *psa.strategies, "EVPI per person"],
              [[money(w, cur)] + [f"{ceac.loc[w, s]:.1%}" for s in psa.strategies]
               + [money(e, cur, 2)] for w, e in zip(evpi["wtp"], evpi["evpi_per_person"])],
              numeric=range(0, len(psa.strategies) + 2),
              caption="Probability each strategy is cost-effective, and the expected value of "
                      "perfect information"),
        figure(lambda ax: plots.evpi(psa, grid, ax=ax),
               "Expected value of perfect information per person: what removing all parameter "
               "uncertainty would be worth to one person's decision. Multiply by the people "
               "affected over the decision's lifetime for the population EVPI."),
    ]
    return Section("psa", "Probabilistic sensitivity analysis", join(parts))


def dsa_section(model: "Model", results: "Results") -> Section:
    """Tornado of the one-way analysis of every parameter with a distribution."""
    if not any(p.distribution for p in model.spec.parameters):
        return Section("dsa", "One-way sensitivity analysis",
                       note("No one-way sensitivity analysis: no parameter has a distribution to "
                            "take a range from (parameters.csv distribution column)."))
    tornado = dsa.tornado(model)
    cur = results.currency
    money_measure = tornado.attrs.get("measure") != "qalys"
    fmt = (lambda x: money(x, cur)) if money_measure else number
    shown = tornado.head(TORNADO_BARS)
    rows = [[t.parameter, f"{plain(t.low)} to {plain(t.high)}", plain(t.base_value), fmt(t.outcome_low),
             fmt(t.outcome_high), fmt(t.swing), t.basis] for t in shown.itertuples()]
    height = 2.2 + 0.32 * len(shown)
    parts = [
        definition_list([("Outcome", tornado.attrs.get("outcome", "")),
                         ("Base case", fmt(float(tornado["base_outcome"].iloc[0])))]),
        figure(lambda ax: plots.tornado(tornado, ax=ax, max_bars=TORNADO_BARS),
               "Tornado diagram: the outcome with each parameter at the low and high end of its "
               "range (2.5th and 97.5th percentiles of its distribution), the others at their base "
               "values; the largest swing at the top.", size=(10, height)),
        table(["Parameter", "Range", "Base value", "Outcome at low", "Outcome at high", "Swing", "Range from"],
              rows, numeric=[1, 2, 3, 4, 5], caption=f"One-way ranges (top {len(shown)} of {len(tornado)})"),
    ]
    return Section("dsa", "One-way sensitivity analysis", join(parts))
