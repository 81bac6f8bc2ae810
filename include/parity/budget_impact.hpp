// Budget impact analysis (ISPOR good practice, Sullivan et al. 2014, Value Health 17:5-14): an
// open cohort in which a new group of people enters each budget year and follows the model from
// its own entry, with undiscounted costs per budget year by cost category; and the investment
// view a finance committee reads from it (net budget impact, return on investment, net present
// value, break-even year, who pays and who saves). Formulas: docs/methods/budget-impact.md.
#pragma once

#include <Eigen/Dense>
#include <string>
#include <vector>

#include "parity/cohort.hpp"
#include "parity/correction.hpp"
#include "parity/discount.hpp"

namespace parity {

/// When within a budget year an entry cohort starts the model.
enum class EntryTiming {
    /// Everyone entering in budget year y starts at the beginning of the year (cycle y*K, with
    /// K cycles a year): the usual assumption of a budget impact model with annual cycles.
    start_of_year,
    /// The year's entrants are spread evenly over its K cycles (N_y / K start in each): a
    /// service that takes referrals all year round, modelled in monthly cycles.
    spread_over_year,
};

/// Accepts "start_of_year" and "spread_over_year"; throws InputError listing them.
EntryTiming parse_entry_timing(const std::string& name);
std::string to_string(EntryTiming timing);

/// The cost of each cycle of one person's own clock, by category: row j is the cycle from time
/// j*L to (j+1)*L (L the cycle length) and rows j = 0..n-1 for a run of n cycles.
/// `cycle_costs` holds the rewards counted at the cycle points 0..n (StrategyOutcomes) and
/// `weights` the model's within-cycle correction weights. Each cycle point's weighted reward is
/// given to the cycles it stands for: under `start` point j to cycle j, under `end` point j+1 to
/// cycle j, under half_cycle and trapezoid half of each neighbouring point to cycle j (so the
/// rows sum to the corrected, undiscounted total, and a run cut short after m cycles costs the
/// first m rows). Simpson and user weights cannot be split between cycles: ModelError.
Eigen::MatrixXd cycle_cost_profile(const Eigen::MatrixXd& cycle_costs,
                                   const std::vector<double>& weights, CorrectionMethod method);

struct BudgetImpactSpec {
    /// Budget years, 1 to 10 (ISPOR recommends 1 to 5 years; 10 allows a longer payback).
    int horizon_years = 5;
    /// People entering the model (starting the intervention or current practice) in each budget
    /// year: horizon_years finite numbers >= 0.
    std::vector<double> entrants;
    EntryTiming timing = EntryTiming::start_of_year;
    /// Multiplies every cost: converts the model's price year to the business case's (> 0).
    double price_factor = 1.0;
};

/// Undiscounted costs of each strategy in each budget year by cost category.
struct BudgetImpact {
    std::vector<std::string> strategies;
    std::vector<std::string> categories;
    /// People entering in each budget year (the spec's entrants).
    std::vector<double> entrants;
    /// One horizon_years x categories matrix per strategy (order of `strategies`).
    std::vector<Eigen::MatrixXd> costs;
};

/// The open-cohort budget: cost in budget cycle c = sum over entry cycles e <= c of
/// (people entering at e) x (profile row c - e), summed into budget years of K = 1/L cycles.
/// `outcomes` must come from a run of at least horizon_years * K cycles with per-cycle rewards
/// kept. A decision tree's costs by year j since entry (StrategyOutcomes::tree_year_costs) fall
/// at budget cycle e + jK; a tree without states needs no cycles, and tree outcomes without
/// tree_year_costs are a ModelError. Throws InputError for a bad spec (horizon, entrants, price
/// factor) and ModelError when the run is too short, 1/L is not a whole number, or the correction
/// cannot be split by cycle.
BudgetImpact budget_impact(const Outcomes& outcomes, CorrectionMethod method, double cycle_length,
                           const BudgetImpactSpec& spec);

/// HM Treasury Green Book 2022 discounting: 3.5% a year for 30 years, then the declining
/// schedule of green_book_schedule(); discrete, first year not discounted.
DiscountSpec green_book_discount();

struct InvestmentSpec {
    std::string strategy;    // the intervention scenario
    std::string comparator;  // current practice
    /// Who bears each category (order of BudgetImpact::categories): a payer of
    /// payer_descriptions(), or "" (reported as "unassigned").
    std::vector<std::string> payers;
    /// Whether a saving in each category releases cash.
    std::vector<bool> cash_releasing;
    /// Categories that make up the investment (the new service's costs). Empty: every category
    /// whose cost over the horizon is higher under the strategy than under the comparator.
    std::vector<std::string> investment_categories;
    /// Whether each category falls inside the budget perspective (order of
    /// BudgetImpact::categories). Categories outside it (quality of life valued in money, lost
    /// output, ...) are neither investment nor savings: their change is reported as a wider
    /// benefit. Empty: every category counts.
    std::vector<bool> in_perspective;
    /// Discounting for the net present value: HM Treasury Green Book 2022, 3.5% for the first
    /// 30 years; budget year 1 is year 0 (not discounted) unless discount_first_cycle is set.
    DiscountSpec discount = green_book_discount();
};

/// The investment view of a strategy against its comparator. Year vectors have horizon_years
/// entries; Delta_{y,c} = strategy cost - comparator cost in year y and category c.
struct InvestmentSummary {
    std::string strategy;
    std::string comparator;
    std::vector<std::string> investment_categories;
    /// I_y = sum of Delta_{y,c} over investment categories.
    std::vector<double> investment;
    /// S_y = - sum of Delta_{y,c} over the other categories inside the budget perspective
    /// (negative where they cost more).
    std::vector<double> gross_savings;
    /// The part of S_y in cash-releasing categories.
    std::vector<double> cash_savings;
    /// W_y = - sum of Delta_{y,c} over the categories outside the budget perspective: wider
    /// benefits, not budget savings (counted in no other figure).
    std::vector<double> wider_benefits;
    /// NBI_y = I_y - S_y: strategy cost - comparator cost within the budget perspective.
    std::vector<double> net_budget_impact;
    std::vector<double> cumulative_net_budget_impact;
    /// d_y, the Green Book factor of budget year y.
    std::vector<double> discount_factors;

    double total_investment = 0.0;     // sum of I_y
    double total_gross_savings = 0.0;  // sum of S_y
    double total_cash_savings = 0.0;
    double total_wider_benefits = 0.0;  // sum of W_y
    double total_net_budget_impact = 0.0;
    /// (sum S - sum I) / sum I: net return per pound invested, undiscounted (NaN if sum I = 0).
    double roi = 0.0;
    /// The same with cash-releasing savings only.
    double cash_roi = 0.0;
    /// sum S / sum I: pounds saved per pound invested (NaN if sum I = 0).
    double benefit_cost_ratio = 0.0;
    /// sum_y d_y (S_y - I_y): net present value of the net savings.
    double npv = 0.0;
    /// sum_y d_y (cash S_y - I_y).
    double cash_npv = 0.0;
    /// First budget year (1-based) from whose end the cumulative net savings stay >= 0 up to
    /// the horizon; 0 when it does not break even within the horizon.
    int break_even_year = 0;
    /// The same counting cash-releasing savings only.
    int cash_break_even_year = 0;

    /// Who pays and who saves over the horizon (undiscounted): rows the payers of investment
    /// categories, columns the payers of the other categories; entry (i, j) = (I_i / sum I) x
    /// S_j, the saving landing on payer j attributed to payer i's share of the investment.
    std::vector<std::string> investing_payers;
    std::vector<std::string> saving_payers;
    std::vector<double> payer_investment;  // I_i over the horizon
    std::vector<double> payer_savings;     // S_j over the horizon
    Eigen::MatrixXd who_pays_who_saves;
};

/// Throws InputError for an unknown strategy, payer or investment category, an investment
/// category outside the budget perspective, or payers / cash_releasing / in_perspective of the
/// wrong length.
InvestmentSummary investment_summary(const BudgetImpact& budget, const InvestmentSpec& spec);

/// The budget year (1-based) from whose end a cumulative series of net savings stays >= 0 up to
/// the horizon; 0 when the last value is negative.
int break_even_year(const std::vector<double>& cumulative_net_savings);

}  // namespace parity
