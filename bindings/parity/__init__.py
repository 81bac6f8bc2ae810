"""parity: cohort state-transition and cost-effectiveness models for mental-health economics.

Build a model in Python with :class:`Model`, or load a model folder of CSV files with
:func:`load`; :meth:`Model.run` returns :class:`Results` whose tables are pandas DataFrames.
"""

from ._core import InputError, ModelError, ParityError
from .cea import icer_table, net_benefit_table
from . import dsa, plots
# A business case for an ICS in one call (budget impact, ROI, NPV, payback) and its workbook.
from .business_case import run_business_case
from .business_case_workbook import write_workbook
from .model import Model, load
from .psa import PsaResults, run_psa
# parity.replicate is the function; take the module's other names with
# `from parity.replicate import ...`
from .replicate import replicate
from .report import report
from .results import Results
from .uncertainty import UncertaintyAnalysis

__all__ = [
    "InputError",
    "PsaResults",
    "UncertaintyAnalysis",
    "dsa",
    "plots",
    "run_psa",
    "Model",
    "ModelError",
    "ParityError",
    "Results",
    "icer_table",
    "load",
    "net_benefit_table",
    "replicate",
    "report",
    "run_business_case",
    "write_workbook",
]
__version__ = "0.1.0"
