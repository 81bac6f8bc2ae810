#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bind.hpp"
#include "parity/budget_psa.hpp"

namespace py = pybind11;

namespace parity {

void bind_budget_psa(py::module_& m) {
    py::class_<FixedCost>(m, "FixedCost")
        .def(py::init([](std::string category, bool one_off, std::string parameter, double amount,
                         std::vector<double> per_year) {
                 return FixedCost{std::move(category), one_off, std::move(parameter), amount,
                                  std::move(per_year)};
             }),
             py::arg("category"), py::arg("one_off"), py::arg("parameter") = "",
             py::arg("amount") = 0.0, py::arg("per_year") = std::vector<double>{})
        .def_readwrite("category", &FixedCost::category)
        .def_readwrite("one_off", &FixedCost::one_off)
        .def_readwrite("parameter", &FixedCost::parameter)
        .def_readwrite("amount", &FixedCost::amount)
        .def_readwrite("per_year", &FixedCost::per_year);

    py::class_<BudgetPsaSpec>(m, "BudgetPsaSpec")
        .def(py::init<>())
        .def_readwrite("budget", &BudgetPsaSpec::budget)
        .def_readwrite("investment", &BudgetPsaSpec::investment)
        .def_readwrite("fixed_costs", &BudgetPsaSpec::fixed_costs);

    py::class_<BudgetPsaOutcomes>(m, "BudgetPsaOutcomes")
        .def_readonly("strategies", &BudgetPsaOutcomes::strategies)
        .def_readonly("categories", &BudgetPsaOutcomes::categories)
        .def_readonly("horizon_years", &BudgetPsaOutcomes::horizon_years)
        .def_readonly("first_sample", &BudgetPsaOutcomes::first_sample)
        .def_readonly("n_samples", &BudgetPsaOutcomes::n_samples)
        .def_property_readonly_static("yearly_names",
                                      [](py::object) { return BudgetPsaOutcomes::yearly_names(); })
        .def_property_readonly_static("summary_names",
                                      [](py::object) { return BudgetPsaOutcomes::summary_names(); })
        .def_property_readonly(
            "costs",
            [](const BudgetPsaOutcomes& o) {
                return as_array(o.costs, {static_cast<py::ssize_t>(o.n_samples), 2, o.horizon_years,
                                          static_cast<py::ssize_t>(o.categories.size())});
            })
        .def_property_readonly(
            "yearly",
            [](const BudgetPsaOutcomes& o) {
                return as_array(
                    o.yearly, {static_cast<py::ssize_t>(o.n_samples), o.horizon_years,
                               static_cast<py::ssize_t>(BudgetPsaOutcomes::yearly_names().size())});
            })
        .def_property_readonly("summary", [](const BudgetPsaOutcomes& o) {
            return as_array(o.summary,
                            {static_cast<py::ssize_t>(o.n_samples),
                             static_cast<py::ssize_t>(BudgetPsaOutcomes::summary_names().size())});
        });

    py::class_<BudgetPsa>(m, "BudgetPsa")
        .def_readonly("psa", &BudgetPsa::psa)
        .def_readonly("budget", &BudgetPsa::budget);

    m.def(
        "run_budget_psa",
        [](const CompiledModel& model, const BudgetPsaSpec& spec, std::uint64_t n_samples,
           std::uint64_t seed, std::uint64_t first_sample, unsigned threads, py::object progress,
           bool keep_parameters) {
            const PsaOptions options = psa_options(n_samples, seed, first_sample, threads,
                                                   std::move(progress), keep_parameters);
            py::gil_scoped_release release;
            return run_budget_psa(model, options, spec);
        },
        py::arg("model"), py::arg("spec"), py::arg("n_samples"), py::arg("seed"),
        py::arg("first_sample") = 0, py::arg("threads") = 0, py::arg("progress") = py::none(),
        py::arg("keep_parameters") = true);
}

}  // namespace parity
