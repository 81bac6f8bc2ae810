"""``parity report``: a model folder's evaluation as one self-contained HTML file."""

from __future__ import annotations

import argparse

from .report import DEFAULT_SAMPLES, command_line, report


def _command(args: argparse.Namespace) -> list[str]:
    """The command line that gives these arguments, for the report's footer."""
    words = ["report", args.model, "--out", args.out, "--samples", str(args.samples), "--seed", str(args.seed)]
    for option, value in (("--threads", args.threads), ("--ics", args.ics), ("--population", args.population)):
        if value is not None:
            words += [option, f"{value:g}" if isinstance(value, float) else str(value)]
    return words


def run_command(args: argparse.Namespace) -> int:
    written = report(args.model, args.out, samples=args.samples, seed=args.seed, threads=args.threads,
                     ics=args.ics, population=args.population, command=command_line(_command(args)))
    print(f"wrote the report {written}")
    return 0


def add_command(sub: "argparse._SubParsersAction") -> None:
    """Register ``parity report`` on the ``parity`` command's subparsers."""
    cmd = sub.add_parser(
        "report",
        help="a self-contained HTML report of a model folder",
        description="Write a self-contained HTML report: one file (styles inline, figures embedded, "
        "opens offline) with the "
        "model summary and settings, every input with its source, the results table (costs, "
        "QALYs, life-years, ICERs with dominance, net monetary benefit at 20,000 and 30,000 per "
        "QALY), costs by payer and savings, the decision tree (tree models), a PSA (CE plane, "
        "acceptability curves, EVPI), a one-way tornado, the budget impact year by year (folders "
        "with business_case.csv) and published against reproduced figures (folders with "
        "targets.csv).",
        epilog="Exit status: 0 the report was written; 2 a bad option or a problem in the model "
        "folder (no file is written); 1 the file cannot be written. Example: parity report "
        "params/pcpm --out pcpm.html --ics \"Nottingham and Nottinghamshire\"",
    )
    cmd.add_argument("model", help="a model folder, e.g. params/sick_sicker")
    cmd.add_argument("--out", default="report.html", metavar="FILE.html",
                     help="the HTML file to write (default report.html)")
    cmd.add_argument("--samples", type=int, default=DEFAULT_SAMPLES, metavar="N",
                     help=f"PSA samples (default {DEFAULT_SAMPLES:,})")
    cmd.add_argument("--seed", type=int, default=1, metavar="S",
                     help="PSA seed (default 1): the same seed gives the same report")
    cmd.add_argument("--threads", type=int, metavar="T", help="PSA worker threads (default: every core)")
    who = cmd.add_mutually_exclusive_group()
    who.add_argument("--ics", metavar="NAME",
                     help="size the budget impact for an Integrated Care System (name or code, e.g. "
                     "QT1) instead of business_case.csv's population")
    who.add_argument("--population", type=float, metavar="N",
                     help="size the budget impact for N people instead of business_case.csv's population")
    cmd.set_defaults(func=run_command)
