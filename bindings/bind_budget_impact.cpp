#include <pybind11/eigen.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bind.hpp"
#include "parity/budget_impact.hpp"
#include "parity/correction.hpp"

namespace py = pybind11;

namespace parity {

void bind_budget_impact(py::module_& m) {
    py::enum_<EntryTiming>(m, "EntryTiming")
        .value("start_of_year", EntryTiming::start_of_year)
        .value("spread_over_year", EntryTiming::spread_over_year);
    m.def("parse_entry_timing", &parse_entry_timing, py::arg("name"));

    // Correction methods travel as their names, as in settings.csv.
    m.def(
        "cycle_cost_profile",
        [](const Eigen::MatrixXd& cycle_costs, const std::vector<double>& weights,
           const std::string& correction) {
            return cycle_cost_profile(cycle_costs, weights, parse_correction_method(correction));
        },
        py::arg("cycle_costs"), py::arg("weights"), py::arg("correction"));

    py::class_<BudgetImpactSpec>(m, "BudgetImpactSpec")
        .def(py::init<>())
        .def_readwrite("horizon_years", &BudgetImpactSpec::horizon_years)
        .def_readwrite("entrants", &BudgetImpactSpec::entrants)
        .def_readwrite("timing", &BudgetImpactSpec::timing)
        .def_readwrite("price_factor", &BudgetImpactSpec::price_factor);

    py::class_<BudgetImpact>(m, "BudgetImpact")
        // From plain data, so that Python can add costs the model does not hold (one-off
        // set-up costs) before the investment summary.
        .def(py::init([](std::vector<std::string> strategies, std::vector<std::string> categories,
                         std::vector<double> entrants, std::vector<Eigen::MatrixXd> costs) {
                 BudgetImpact b;
                 b.strategies = std::move(strategies);
                 b.categories = std::move(categories);
                 b.entrants = std::move(entrants);
                 b.costs = std::move(costs);
                 return b;
             }),
             py::arg("strategies"), py::arg("categories"), py::arg("entrants"), py::arg("costs"))
        .def_readonly("strategies", &BudgetImpact::strategies)
        .def_readonly("categories", &BudgetImpact::categories)
        .def_readonly("entrants", &BudgetImpact::entrants)
        .def_readonly("costs", &BudgetImpact::costs);
    m.def(
        "budget_impact",
        [](const Outcomes& outcomes, const std::string& correction, double cycle_length,
           const BudgetImpactSpec& spec) {
            const CorrectionMethod method = parse_correction_method(correction);
            py::gil_scoped_release release;
            return budget_impact(outcomes, method, cycle_length, spec);
        },
        py::arg("outcomes"), py::arg("correction"), py::arg("cycle_length"), py::arg("spec"));

    py::class_<InvestmentSpec>(m, "InvestmentSpec")
        .def(py::init<>())
        .def_readwrite("strategy", &InvestmentSpec::strategy)
        .def_readwrite("comparator", &InvestmentSpec::comparator)
        .def_readwrite("payers", &InvestmentSpec::payers)
        .def_readwrite("cash_releasing", &InvestmentSpec::cash_releasing)
        .def_readwrite("investment_categories", &InvestmentSpec::investment_categories)
        .def_readwrite("in_perspective", &InvestmentSpec::in_perspective)
        // A flat rate replaces the Green Book schedule (for a sensitivity analysis of the rate).
        .def_property(
            "discount_rate",
            [](const InvestmentSpec& s) {
                return s.discount.schedule.empty() ? s.discount.rate
                                                   : s.discount.schedule.front().rate;
            },
            [](InvestmentSpec& s, double rate) {
                s.discount.schedule.clear();
                s.discount.rate = rate;
            })
        .def_property(
            "discount_first_year",
            [](const InvestmentSpec& s) { return s.discount.discount_first_cycle; },
            [](InvestmentSpec& s, bool first) { s.discount.discount_first_cycle = first; });

    py::class_<InvestmentSummary>(m, "InvestmentSummary")
        .def_readonly("strategy", &InvestmentSummary::strategy)
        .def_readonly("comparator", &InvestmentSummary::comparator)
        .def_readonly("investment_categories", &InvestmentSummary::investment_categories)
        .def_readonly("investment", &InvestmentSummary::investment)
        .def_readonly("gross_savings", &InvestmentSummary::gross_savings)
        .def_readonly("cash_savings", &InvestmentSummary::cash_savings)
        .def_readonly("wider_benefits", &InvestmentSummary::wider_benefits)
        .def_readonly("total_wider_benefits", &InvestmentSummary::total_wider_benefits)
        .def_readonly("net_budget_impact", &InvestmentSummary::net_budget_impact)
        .def_readonly("cumulative_net_budget_impact",
                      &InvestmentSummary::cumulative_net_budget_impact)
        .def_readonly("discount_factors", &InvestmentSummary::discount_factors)
        .def_readonly("total_investment", &InvestmentSummary::total_investment)
        .def_readonly("total_gross_savings", &InvestmentSummary::total_gross_savings)
        .def_readonly("total_cash_savings", &InvestmentSummary::total_cash_savings)
        .def_readonly("total_net_budget_impact", &InvestmentSummary::total_net_budget_impact)
        .def_readonly("roi", &InvestmentSummary::roi)
        .def_readonly("cash_roi", &InvestmentSummary::cash_roi)
        .def_readonly("benefit_cost_ratio", &InvestmentSummary::benefit_cost_ratio)
        .def_readonly("npv", &InvestmentSummary::npv)
        .def_readonly("cash_npv", &InvestmentSummary::cash_npv)
        .def_readonly("break_even_year", &InvestmentSummary::break_even_year)
        .def_readonly("cash_break_even_year", &InvestmentSummary::cash_break_even_year)
        .def_readonly("investing_payers", &InvestmentSummary::investing_payers)
        .def_readonly("saving_payers", &InvestmentSummary::saving_payers)
        .def_readonly("payer_investment", &InvestmentSummary::payer_investment)
        .def_readonly("payer_savings", &InvestmentSummary::payer_savings)
        .def_readonly("who_pays_who_saves", &InvestmentSummary::who_pays_who_saves);
    m.def("investment_summary", &investment_summary, py::arg("budget"), py::arg("spec"));
}

}  // namespace parity
