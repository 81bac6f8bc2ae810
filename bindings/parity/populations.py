"""Populations of England's Integrated Care Systems, for sizing a business case.

The table ships with parity (``params/reference/ics_populations.csv``, installed as
``parity/reference/``): ONS mid-2022 resident population of each of the 42 Integrated Care
Boards on 2023 boundaries (sum of the sub-ICB location totals of the ONS small area population
estimates). Sources: ``params/reference/README.md``.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path
from typing import Union

import pandas as pd

from . import _core
from .prices import REFERENCE_DIR

ICS_FILE = "ics_populations.csv"


def ics_table(path: Union[str, os.PathLike, None] = None) -> pd.DataFrame:
    """The table of ICS populations.

    Returns
    -------
    pandas.DataFrame
        Columns ``ics_code, ics_name, population, year, source, icb_ods_code, icb_code_2022,
        nhs_region``, one row per Integrated Care Board.
    """
    file = Path(path) if path is not None else REFERENCE_DIR / ICS_FILE
    return pd.read_csv(file, dtype={"ics_code": str, "icb_ods_code": str})


def _key(name: str) -> str:
    """A name without case, punctuation, 'NHS' and 'Integrated Care Board/System', so that
    'Nottingham and Nottinghamshire' finds 'NHS Nottingham and Nottinghamshire Integrated Care
    Board'."""
    text = re.sub(r"[^a-z0-9 ]", " ", name.lower())
    text = re.sub(r"\b(nhs|integrated care (board|system)|icb|ics)\b", " ", text)
    return " ".join(text.split())


def ics_population(name: str, path: Union[str, os.PathLike, None] = None) -> tuple[str, float]:
    """The population of an Integrated Care System.

    Parameters
    ----------
    name
        The ICS's name as in the table (``"NHS Nottingham and Nottinghamshire Integrated Care
        Board"``), without ``NHS`` and ``Integrated Care Board`` (``"Nottingham and
        Nottinghamshire"``, any case), its ONS code (``E54000060``) or its ODS code (``QT1``).

    Returns
    -------
    tuple of (str, float)
        The ICS's full name and its population.

    Raises
    ------
    parity.InputError
        If no ICS matches; the message names the closest names.
    """
    table = ics_table(path)
    wanted = _key(name)
    for _, row in table.iterrows():
        if (
            wanted == _key(str(row["ics_name"]))
            or name.strip().upper() in (str(row["ics_code"]).upper(), str(row["icb_ods_code"]).upper())
        ):
            return str(row["ics_name"]), float(row["population"])
    keys = {_key(str(n)): str(n) for n in table["ics_name"]}
    close = difflib.get_close_matches(wanted, list(keys), n=3, cutoff=0.4)
    hint = (
        "Did you mean " + " or ".join(f"'{keys[k]}'" for k in close) + "?"
        if close
        else "See parity.populations.ics_table() for the 42 names."
    )
    raise _core.InputError(
        f"unknown Integrated Care System {name!r}. {hint} Or give the population as a number"
    )
