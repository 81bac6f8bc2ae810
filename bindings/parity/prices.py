"""Price years: convert costs between NHS financial years with the NHS cost inflation index.

The index ships with parity (``params/reference/nhs_cost_inflation_index.csv``, installed as
``parity/reference/``): the PSSRU/CHE NHS Cost Inflation Index (NHSCII) pay and prices from
2015/16 to 2024/25, linked at 2014/15 to the HCHS pay and prices index back to 2008/09, with
2014/15 = 100. How it was chained: ``params/reference/README.md`` and
docs/methods/budget-impact.md.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Union

import pandas as pd

from . import _core

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
INDEX_FILE = "nhs_cost_inflation_index.csv"

PriceYear = Union[str, int]


def price_year_label(year: PriceYear) -> str:
    """A price year as an NHS financial year label such as ``"2024/25"``.

    Parameters
    ----------
    year
        ``"2024/25"``, ``"2024-25"``, ``"2024/2025"``, or the year the financial year starts in
        (``2024`` or ``"2024"`` mean April 2024 to March 2025, the year PSSRU's 2025 manual
        prices are in).

    Returns
    -------
    str
        The label ``"YYYY/YY"``.

    Raises
    ------
    parity.InputError
        If the text is not a financial year, or its two years do not follow each other.
    """
    text = str(year).strip()
    m = re.fullmatch(r"(\d{4})(?:\s*[/-]\s*(\d{2}|\d{4}))?", text)
    if not m:
        raise _core.InputError(
            f"price year {text!r} is not a financial year. Write it as 2024/25 (or 2024 for "
            "the financial year starting in April 2024)"
        )
    start = int(m.group(1))
    if m.group(2) is not None:
        end = int(m.group(2))
        if (len(m.group(2)) == 2 and end != (start + 1) % 100) or (
            len(m.group(2)) == 4 and end != start + 1
        ):
            raise _core.InputError(
                f"price year {text!r}: the second year must follow the first, e.g. "
                f"{start}/{(start + 1) % 100:02d}"
            )
    return f"{start}/{(start + 1) % 100:02d}"


class PriceIndex:
    """An index of price levels by financial year.

    Parameters
    ----------
    path
        A CSV file with columns ``financial_year`` and ``index_value`` (default: the NHS cost
        inflation index shipped with parity).

    Attributes
    ----------
    levels : pandas.Series
        Index level by financial year label, oldest first.
    table : pandas.DataFrame
        The whole file, with its ``annual_pct_change``, ``series`` and ``source`` columns.
    """

    def __init__(self, path: Union[str, os.PathLike, None] = None) -> None:
        self.path = Path(path) if path is not None else REFERENCE_DIR / INDEX_FILE
        if not self.path.exists():
            raise _core.InputError(f"{self.path}: price index file not found")
        table = pd.read_csv(self.path, dtype={"financial_year": str})
        for column in ("financial_year", "index_value"):
            if column not in table.columns:
                raise _core.InputError(
                    f"{self.path}: no column '{column}'. A price index needs the columns "
                    "financial_year and index_value"
                )
        table["financial_year"] = [price_year_label(y) for y in table["financial_year"]]
        self.table = table
        self.levels = pd.Series(
            table["index_value"].astype(float).to_numpy(), index=table["financial_year"]
        )

    @property
    def years(self) -> list[str]:
        """The financial years the index covers, oldest first."""
        return list(self.levels.index)

    def level(self, year: PriceYear) -> float:
        """The index level of a financial year.

        Raises
        ------
        parity.InputError
            If the year is outside the index; the message names the years covered.
        """
        label = price_year_label(year)
        if label not in self.levels.index:
            raise _core.InputError(
                f"price year {label} is outside the NHS cost inflation index ({self.path.name}),"
                f" which covers {self.years[0]} to {self.years[-1]}. Choose a price year in "
                "that range, or give an index that covers it"
            )
        return float(self.levels[label])

    def factor(self, from_year: PriceYear, to_year: PriceYear) -> float:
        """The factor that takes a cost in ``from_year`` prices to ``to_year`` prices:
        ``index(to_year) / index(from_year)``."""
        return self.level(to_year) / self.level(from_year)

    def convert(self, cost: float, from_year: PriceYear, to_year: PriceYear) -> float:
        """``cost`` in ``from_year`` prices expressed in ``to_year`` prices."""
        return cost * self.factor(from_year, to_year)
