// The extension module: one bind_<concept>() per concept file, nothing else.
#include <pybind11/pybind11.h>

#include "bind.hpp"

PYBIND11_MODULE(_core, m) {
    m.doc() = "parity C++ core: cohort state-transition models and cost-effectiveness analysis";
    parity::bind_errors(m);
    parity::bind_model_spec(m);
    parity::bind_cohort(m);
    parity::bind_cea(m);
    parity::bind_csv_io(m);
    parity::bind_psa(m);
    parity::bind_voi(m);
    parity::bind_dsa(m);
    parity::bind_budget_impact(m);
    parity::bind_budget_psa(m);
}
