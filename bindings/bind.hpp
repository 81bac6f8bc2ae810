// Declarations of the per-concept binding functions called from module.cpp.
#pragma once

#include <pybind11/pybind11.h>

namespace parity {
void bind_errors(pybind11::module_& m);
void bind_model_spec(pybind11::module_& m);
void bind_cohort(pybind11::module_& m);
void bind_cea(pybind11::module_& m);
void bind_csv_io(pybind11::module_& m);
void bind_psa(pybind11::module_& m);
void bind_voi(pybind11::module_& m);
void bind_dsa(pybind11::module_& m);
void bind_budget_impact(pybind11::module_& m);
}  // namespace parity
