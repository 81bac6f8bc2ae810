"""The ``parity`` command: run model folders without writing code.

``parity run params/sick_sicker`` prints the results table and writes CSV files;
``parity check params/sick_sicker`` reads and compiles a folder and reports the first problem.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Sequence

import pandas as pd

from . import _core
from .model import Model


def _model_folders(paths: Sequence[str]) -> list[Path]:
    """Expand each path: a model folder, or a folder of model folders (such as params/)."""
    folders: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            raise _core.InputError(f"{raw}: no such folder. Give a model folder such as params/sick_sicker")
        if (path / "settings.csv").exists():
            folders.append(path)
            continue
        children = sorted(p for p in path.iterdir() if (p / "settings.csv").exists())
        if not children:
            raise _core.InputError(
                f"{raw}: not a model folder (no settings.csv) and holds no model folders"
            )
        folders.extend(children)
    return folders


def _write_tables(results, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "summary.csv": results.summary.reset_index(),
        "costs.csv": results.costs,
        "icers.csv": results.icers(),
        "net_benefit.csv": results.net_benefit(),
        "trace.csv": results.trace,
        "cycles.csv": results.cycles,
    }
    written = []
    for name, frame in tables.items():
        target = out / name
        frame.to_csv(target, index=False)
        written.append(target)
    return written


def _run(args: argparse.Namespace) -> int:
    folders = _model_folders(args.models)
    for folder in folders:
        model = Model.from_folder(folder)
        results = model.run()
        print(repr(results))
        nb = results.net_benefit(args.wtp) if args.wtp else results.net_benefit()
        optimal = nb[nb["optimal"]][["wtp", "strategy"]]
        for _, row in optimal.iterrows():
            print(f"  optimal at {results.currency} {row['wtp']:,.0f} per QALY: {row['strategy']}")
        if not args.no_write:
            out = Path(args.out) / folder.name if len(folders) > 1 or args.out_per_model else Path(args.out)
            written = _write_tables(results, out)
            print(f"  wrote {len(written)} CSV files to {out}{os.sep}")
        print()
    return 0


def _check(args: argparse.Namespace) -> int:
    for folder in _model_folders(args.models):
        model = Model.from_folder(folder)
        compiled = model.compile()
        model.run(keep_trace=False, keep_cycles=False)
        print(
            f"{folder}: OK ({len(compiled.state_names)} states, {len(compiled.strategy_names)} "
            f"strategies, {len(compiled.parameter_names)} parameters)"
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="parity",
        description="Cohort state-transition and cost-effectiveness models for mental health.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run model folders, print results and write CSV files")
    run.add_argument("models", nargs="+", help="model folders, or a folder of them (params/)")
    run.add_argument("--out", default="parity-results", help="output folder (default: parity-results)")
    run.add_argument("--wtp", type=float, nargs="*", help="willingness-to-pay values per QALY")
    run.add_argument("--no-write", action="store_true", help="print only; write no files")
    run.set_defaults(func=_run, out_per_model=True)

    check = sub.add_parser("check", help="read and compile model folders, report problems")
    check.add_argument("models", nargs="+")
    check.set_defaults(func=_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except _core.ParityError as err:
        print(f"parity: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
