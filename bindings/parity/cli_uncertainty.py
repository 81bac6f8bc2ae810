"""``parity psa`` and ``parity dsa``: uncertainty analyses of a model folder, written as CSV
tables and PNG figures for people who do not code."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from . import dsa, plots, scenario_file
from .model import Model
from .uncertainty import default_wtp_grid


def _save(figure_of: Callable[["object"], object], path: Path) -> Path:
    """Draw with ``figure_of(ax)`` on a new figure and save it as PNG."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no window, whatever the environment
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 5))
    figure_of(ax)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def run_psa_command(args: argparse.Namespace, folder: Path, out: Path) -> list[Path]:
    model = Model.from_folder(folder)
    results = model.psa(args.n, args.seed, threads=args.threads, progress=not args.quiet)
    grid = default_wtp_grid(args.wtp_max, args.wtp_step)
    wtp = args.evppi_wtp if args.evppi_wtp is not None else float(list(model.spec.settings.wtp)[0])
    out.mkdir(parents=True, exist_ok=True)
    written = results.to_csv(out)
    tables = {
        "summary.csv": results.summary(),
        "ceac.csv": results.ceac(grid),
        "ceaf.csv": results.ceaf(grid),
        "expected_loss.csv": results.expected_loss(grid),
        "evpi.csv": results.evpi(grid),
        "evppi.csv": results.evppi(list(results.parameters.columns), wtp),
    }
    for name, table in tables.items():
        table.to_csv(out / name, index=False)
        written.append(out / name)
    written.append(_save(lambda ax: plots.ce_plane(results, ax=ax), out / "ce_plane.png"))
    written.append(_save(lambda ax: plots.ceac(results, grid, ax=ax), out / "ceac.png"))
    written.append(_save(lambda ax: plots.expected_loss(results, grid, ax=ax), out / "expected_loss.png"))
    written.append(
        _save(
            lambda ax: plots.evppi(tables["evppi.csv"], ax=ax, currency=results.currency, price_year=results.price_year),
            out / "evppi.png",
        )
    )
    print(f"{folder}: PSA of {args.n:,} samples (seed {args.seed})")
    print(results.summary().to_string(index=False, float_format=lambda x: f"{x:,.3f}"))
    evpi = tables["evpi.csv"]
    at = evpi.iloc[int(np.argmin(np.abs(evpi["wtp"] - wtp)))]
    print(f"  EVPI per person at {at['wtp']:,.0f} per QALY: {at['evpi_per_person']:,.2f}")
    return written


def run_dsa_command(args: argparse.Namespace, folder: Path, out: Path) -> list[Path]:
    model = Model.from_folder(folder)
    scenarios = scenario_file.read_folder_scenarios(model, folder)  # checked before any run
    choice = dict(measure=args.measure, strategy=args.strategy, comparator=args.comparator, wtp=args.wtp)
    table = dsa.tornado(model, **choice)
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "tornado.csv", out / "thresholds.csv"]
    table.to_csv(written[0], index=False)
    found = [
        dsa.thresholds(model, row.parameter, row.low, row.high, **choice) for row in table.itertuples()
    ]
    thresholds = pd.concat(found, ignore_index=True) if found else pd.DataFrame()
    thresholds.to_csv(written[1], index=False)
    written.append(_save(lambda ax: plots.tornado(table, ax=ax), out / "tornado.png"))
    results = None
    if scenarios is not None:
        results = scenario_file.scenario_results(model, scenarios, args.wtp)
        results.to_csv(out / "scenarios.csv", index=False)
        written.append(out / "scenarios.csv")
    print(f"{folder}: one-way sensitivity of {table.attrs.get('outcome', 'the outcome')}")
    print(table[["parameter", "low", "high", "outcome_low", "outcome_high", "swing"]].head(10).to_string(index=False))
    if len(thresholds):
        print("  thresholds within the one-way ranges:")
        for text in thresholds["description"]:
            print(f"  - {text}")
    else:
        print("  no parameter changes the decision within its one-way range")
    if results is not None:
        wtp = results["wtp"].iloc[0]
        print(f"  scenarios (preferred strategy at {wtp:,.0f} per QALY):")
        for name, rows in results.groupby("scenario", sort=False):
            print(f"  - {name}: {rows['preferred_strategy'].iloc[0]}")
    return written


def add_commands(sub: argparse._SubParsersAction, each_folder: Callable) -> None:
    """Register ``psa`` and ``dsa`` on the ``parity`` command's sub-parsers."""
    psa = sub.add_parser(
        "psa",
        help="probabilistic sensitivity analysis: samples, CEAC, EVPI, EVPPI, plots",
        description="Run a PSA of each model folder (every parameter with a distribution "
        "varies) and write samples.csv, outcomes.csv, summary.csv, ceac.csv, ceaf.csv, "
        "expected_loss.csv, evpi.csv, evppi.csv and PNG figures to OUT/<model folder name>/.",
    )
    psa.add_argument("models", nargs="+", help="model folders, or a folder of them (params/)")
    psa.add_argument("-n", type=int, default=10_000, help="number of samples (default 10,000)")
    psa.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    psa.add_argument("--out", default="parity-results/psa", help="output folder (default parity-results/psa)")
    psa.add_argument("--threads", type=int, default=None, help="worker threads (default: every core)")
    psa.add_argument("--wtp-max", type=float, default=100_000, help="largest willingness to pay of the CEAC grid")
    psa.add_argument("--wtp-step", type=float, default=1_000, help="step of the CEAC grid")
    psa.add_argument("--evppi-wtp", type=float, default=None, help="willingness to pay for EVPPI (default: the model's first wtp)")
    psa.add_argument("--quiet", action="store_true", help="no progress bar")
    psa.set_defaults(func=lambda args: each_folder(args, run_psa_command))

    dsa_parser = sub.add_parser(
        "dsa",
        help="deterministic sensitivity analysis: tornado and thresholds",
        description="One-way sensitivity analysis of every parameter with a distribution (its "
        "2.5th to 97.5th percentiles), written as tornado.csv and tornado.png, and the values "
        "within those ranges at which the decision changes (thresholds.csv). A folder with a "
        "scenarios.csv also gets scenarios.csv: each strategy's cost, QALYs and net monetary "
        "benefit in the base case and every named scenario, with the preferred strategy.",
    )
    dsa_parser.add_argument("models", nargs="+", help="model folders, or a folder of them (params/)")
    dsa_parser.add_argument("--out", default="parity-results/dsa", help="output folder (default parity-results/dsa)")
    dsa_parser.add_argument(
        "--measure",
        default="incremental_net_monetary_benefit",
        choices=["incremental_net_monetary_benefit", "net_monetary_benefit", "icer", "cost", "qalys", "life_years"],
    )
    dsa_parser.add_argument("--strategy", default=None, help="strategy (default: the preferred strategy in the base case)")
    dsa_parser.add_argument("--comparator", default=None, help="comparator (default: the runner-up in the base case)")
    dsa_parser.add_argument("--wtp", type=float, default=None, help="willingness to pay (default: the model's first)")
    dsa_parser.set_defaults(func=lambda args: each_folder(args, run_dsa_command))
