// A business case under probabilistic sensitivity analysis: for every PSA sample, the open-cohort
// budget of the intervention and of current practice (budget_impact) and its investment view
// (investment_summary), computed on the worker thread that ran the sample. Memory grows with
// samples x budget years x cost categories, never with cycles or states. Formulas:
// docs/methods/budget-impact.md, "Uncertainty".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "parity/budget_impact.hpp"
#include "parity/psa.hpp"

namespace parity {

/// A cost the business case adds to the intervention outside the model, in the model's price
/// year: a service's set-up (one-off, budget year 1) or its staff in post (every year).
struct FixedCost {
    std::string category;
    bool one_off = true;
    /// A parameter whose value (that of each sample) is the amount; empty: `amount`.
    std::string parameter;
    double amount = 0.0;
    /// How many times each budget year pays the amount, one value a year: the teams set up
    /// (one-off) or in post (recurring) when the amount is one team's. Fixed before the PSA, so
    /// the same in every sample. Empty: once in year 1 (one-off) or once every year (recurring).
    std::vector<double> per_year;
};

struct BudgetPsaSpec {
    /// Horizon, entrants per year, entry timing and price-year factor.
    BudgetImpactSpec budget;
    /// Strategy, comparator, payers, cash-releasing flags and discounting. Name the
    /// investment_categories (those of the deterministic case): left empty, each sample would
    /// pick the categories costing more in that sample, and investment would mean different
    /// things in different samples.
    InvestmentSpec investment;
    std::vector<FixedCost> fixed_costs;
};

struct BudgetPsaOutcomes {
    /// The intervention and its comparator, in that order.
    std::vector<std::string> strategies;
    std::vector<std::string> categories;
    int horizon_years = 0;
    std::uint64_t first_sample = 0;
    std::uint64_t n_samples = 0;
    /// n_samples x 2 x horizon_years x categories: undiscounted costs in the business case's
    /// price year, fixed costs included.
    std::vector<double> costs;
    /// n_samples x horizon_years x yearly_names(): investment I_y, gross savings S_y and
    /// cash-releasing savings of each budget year.
    std::vector<double> yearly;
    /// n_samples x summary_names(): ROI, cash ROI, benefit-cost ratio, NPV, cash NPV,
    /// break-even year and cash break-even year (0: not within the horizon).
    std::vector<double> summary;

    static const std::vector<std::string>& yearly_names();
    static const std::vector<std::string>& summary_names();
};

struct BudgetPsa {
    /// The PSA's usual outcomes (discounted costs by category, QALYs, life-years), unchanged.
    PsaOutcomes psa;
    BudgetPsaOutcomes budget;
};

/// Run a PSA of a business case. A model with states must run for at least horizon_years x K
/// cycles (K cycles a year); a decision tree's costs by year since entry are evaluated at each
/// sample's parameter values. The spec is checked on the base case first, so a bad spec fails once
/// with the message budget_impact or investment_summary gives (InputError or ModelError), as does a
/// fixed cost naming an unknown parameter or one that varies with time.
BudgetPsa run_budget_psa(const CompiledModel& model, const PsaOptions& options,
                         const BudgetPsaSpec& spec);

}  // namespace parity
