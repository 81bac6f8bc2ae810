// Declarations of the per-concept binding functions called from module.cpp.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "parity/psa.hpp"

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
void bind_budget_psa(pybind11::module_& m);

// Shared by the PSA bindings (bind_psa.cpp).
/// A copy of `v` as a numpy array of the given shape.
pybind11::array_t<double> as_array(const std::vector<double>& v,
                                   std::vector<pybind11::ssize_t> shape);
/// A PSA progress callback that takes the GIL back, lets Ctrl-C stop the run and calls the
/// Python callback (or None).
std::function<bool(std::uint64_t, std::uint64_t)> python_progress(pybind11::object callback);
/// PSA options from the arguments every PSA binding takes (progress as python_progress).
PsaOptions psa_options(std::uint64_t n_samples, std::uint64_t seed, std::uint64_t first_sample,
                       unsigned threads, pybind11::object progress, bool keep_parameters);
}  // namespace parity
