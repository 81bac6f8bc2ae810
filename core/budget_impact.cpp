#include "parity/budget_impact.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "parity/errors.hpp"
#include "parity/model_spec.hpp"
#include "parity/text.hpp"

namespace parity {

namespace {

constexpr int kMaxHorizonYears = 10;

std::size_t index_of(const std::vector<std::string>& names, const std::string& name,
                     const std::string& what) {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
        throw InputError({}, "unknown " + what + " '" + name + "'" + did_you_mean(name, names),
                         "Use one of: " + join(names, ", "));
    }
    return static_cast<std::size_t>(it - names.begin());
}

// Cycles per budget year; a cycle must not straddle two budget years.
int cycles_per_year(double cycle_length) {
    if (!std::isfinite(cycle_length) || cycle_length <= 0.0 || cycle_length > 1.0) {
        throw ModelError(
            format_error({},
                         "a budget impact needs cycles of at most a year; the cycle length is " +
                             format_double(cycle_length) + " years",
                         "Set cycle_length to 1 (annual), 1/4, 1/12 (monthly) or another 1/K"));
    }
    const double k = 1.0 / cycle_length;
    const double rounded = std::round(k);
    if (std::abs(k - rounded) > 1e-6 * rounded) {
        throw ModelError(format_error(
            {},
            "cycles of " + format_double(cycle_length) +
                " years do not divide a year into whole cycles, so a cycle would straddle "
                "two budget years",
            "Set cycle_length to 1/K for a whole number K (1, 1/4, 1/12, 1/52)"));
    }
    return static_cast<int>(rounded);
}

void check_spec(const BudgetImpactSpec& spec) {
    if (spec.horizon_years < 1 || spec.horizon_years > kMaxHorizonYears) {
        throw InputError({},
                         "the budget horizon is " + std::to_string(spec.horizon_years) + " years",
                         "Give a horizon of 1 to 10 years (ISPOR recommends 1 to 5)");
    }
    if (spec.entrants.size() != static_cast<std::size_t>(spec.horizon_years)) {
        throw InputError({},
                         std::to_string(spec.entrants.size()) + " entry cohorts for a horizon of " +
                             std::to_string(spec.horizon_years) + " years",
                         "Give one number of entrants per budget year");
    }
    for (std::size_t y = 0; y < spec.entrants.size(); ++y) {
        const double n = spec.entrants[y];
        if (!std::isfinite(n) || n < 0.0) {
            throw InputError({},
                             "the entry cohort of budget year " + std::to_string(y + 1) + " is " +
                                 format_double(n) + " people",
                             "Entrants must be finite numbers of 0 or more: check the "
                             "population, prevalence or incidence and uptake");
        }
    }
    if (!std::isfinite(spec.price_factor) || spec.price_factor <= 0.0) {
        throw InputError({}, "the price-year factor is " + format_double(spec.price_factor),
                         "Give a finite factor above 0 (the index of the target price year "
                         "over the index of the model's price year)");
    }
}

/// The Markov model's costs: the cohort entering at cycle e is at its own cycle c - e in budget
/// cycle c, so its time-dependent costs run on its own clock (a convolution).
void add_markov_costs(const StrategyOutcomes& s, const std::vector<double>& weights,
                      CorrectionMethod method, const Eigen::VectorXd& starts, int horizon_years,
                      Eigen::MatrixXd& per_cycle) {
    const Eigen::Index budget_cycles = per_cycle.rows();
    if (s.cycle_costs.rows() == 0) {
        throw ModelError(
            format_error({}, "strategy '" + s.strategy + "' was run without per-cycle rewards",
                         "Run the model with keep_cycles=True"));
    }
    const Eigen::MatrixXd profile = cycle_cost_profile(s.cycle_costs, weights, method);
    if (profile.rows() < budget_cycles) {
        throw ModelError(format_error({},
                                      "the model was run for " + std::to_string(profile.rows()) +
                                          " cycles but a " + std::to_string(horizon_years) +
                                          "-year budget needs " + std::to_string(budget_cycles),
                                      "Run it with n_cycles >= " + std::to_string(budget_cycles)));
    }
    for (Eigen::Index e = 0; e < budget_cycles; ++e) {
        if (starts(e) == 0.0) continue;
        per_cycle.bottomRows(budget_cycles - e) += starts(e) * profile.topRows(budget_cycles - e);
    }
}

/// The decision tree's costs: year y after entry of the cohort entering at cycle e falls at
/// budget cycle e + yK, on the cohort's own clock like its Markov part.
void add_tree_costs(const StrategyOutcomes& s, const Eigen::VectorXd& starts, int k,
                    Eigen::MatrixXd& per_cycle) {
    const Eigen::Index budget_cycles = per_cycle.rows();
    if (s.tree_year_costs.rows() == 0 || s.tree_year_costs.cols() != per_cycle.cols()) {
        throw ModelError(format_error(
            {},
            "strategy '" + s.strategy +
                "' is a decision tree but its costs by year since entry are missing",
            "Give the outcomes of CompiledModel::evaluate (which keeps tree_year_costs), or "
            "Evaluator::tree_year_costs for a sample"));
    }
    for (Eigen::Index e = 0; e < budget_cycles; ++e) {
        if (starts(e) == 0.0) continue;
        for (Eigen::Index y = 0; y < s.tree_year_costs.rows(); ++y) {
            const Eigen::Index c = e + y * k;
            if (c >= budget_cycles) break;
            per_cycle.row(c) += starts(e) * s.tree_year_costs.row(y);
        }
    }
}

}  // namespace

EntryTiming parse_entry_timing(const std::string& name) {
    if (name == "start_of_year") return EntryTiming::start_of_year;
    if (name == "spread_over_year") return EntryTiming::spread_over_year;
    throw InputError({}, "unknown entry timing '" + name + "'",
                     "Use one of: start_of_year, spread_over_year");
}

std::string to_string(EntryTiming timing) {
    switch (timing) {
        case EntryTiming::start_of_year: return "start_of_year";
        case EntryTiming::spread_over_year: return "spread_over_year";
    }
    throw ModelError("unhandled entry timing; this is a bug in parity, please report it");
}

Eigen::MatrixXd cycle_cost_profile(const Eigen::MatrixXd& cycle_costs,
                                   const std::vector<double>& weights, CorrectionMethod method) {
    const Eigen::Index points = cycle_costs.rows();
    if (points < 2 || static_cast<std::size_t>(points) != weights.size()) {
        throw ModelError(
            format_error({},
                         "per-cycle rewards for " + std::to_string(points) + " cycle points and " +
                             std::to_string(weights.size()) + " correction weights",
                         "Run the model with keep_cycles=True and at least one cycle"));
    }
    const Eigen::Index n = points - 1;
    Eigen::MatrixXd profile(n, cycle_costs.cols());
    for (Eigen::Index j = 0; j < n; ++j) {
        const auto w0 = weights[static_cast<std::size_t>(j)];
        const auto w1 = weights[static_cast<std::size_t>(j + 1)];
        switch (method) {
            case CorrectionMethod::start: profile.row(j) = w0 * cycle_costs.row(j); break;
            case CorrectionMethod::end: profile.row(j) = w1 * cycle_costs.row(j + 1); break;
            case CorrectionMethod::half_cycle:
            case CorrectionMethod::trapezoid:
                // Trapezoid: the cycle from point j to j+1 is worth the mean of its two ends.
                profile.row(j) = 0.5 * (cycle_costs.row(j) + cycle_costs.row(j + 1));
                break;
            case CorrectionMethod::simpson:
            case CorrectionMethod::weights:
                throw ModelError(format_error(
                    {},
                    "a budget impact cannot use the within-cycle correction '" + to_string(method) +
                        "': its weights span several cycles, so they cannot be split into costs "
                        "per "
                        "cycle and budget year",
                    "Set correction to start, end, half_cycle or trapezoid for the business case"));
        }
    }
    return profile;
}

BudgetImpact budget_impact(const Outcomes& outcomes, CorrectionMethod method, double cycle_length,
                           const BudgetImpactSpec& spec) {
    check_spec(spec);
    const int k = cycles_per_year(cycle_length);
    const Eigen::Index budget_cycles = static_cast<Eigen::Index>(spec.horizon_years) * k;

    // People starting the model at each budget cycle.
    Eigen::VectorXd starts = Eigen::VectorXd::Zero(budget_cycles);
    for (int y = 0; y < spec.horizon_years; ++y) {
        const double n = spec.entrants[static_cast<std::size_t>(y)];
        if (spec.timing == EntryTiming::start_of_year) {
            starts(static_cast<Eigen::Index>(y) * k) = n;
        } else {
            starts.segment(static_cast<Eigen::Index>(y) * k, k).setConstant(n / k);
        }
    }

    BudgetImpact out;
    out.categories = outcomes.categories;
    out.entrants = spec.entrants;
    const auto n_cost = static_cast<Eigen::Index>(outcomes.categories.size());
    const bool markov = !outcomes.states.empty();  // a tree alone has no cycles
    for (const auto& s : outcomes.strategies) {
        out.strategies.push_back(s.strategy);
        Eigen::MatrixXd per_cycle = Eigen::MatrixXd::Zero(budget_cycles, n_cost);
        if (markov)
            add_markov_costs(s, outcomes.correction_weights, method, starts, spec.horizon_years,
                             per_cycle);
        if (outcomes.has_tree) add_tree_costs(s, starts, k, per_cycle);
        Eigen::MatrixXd yearly(spec.horizon_years, n_cost);
        for (int y = 0; y < spec.horizon_years; ++y) {
            yearly.row(y) =
                per_cycle.middleRows(static_cast<Eigen::Index>(y) * k, k).colwise().sum();
        }
        out.costs.push_back(spec.price_factor * yearly);
    }
    return out;
}

DiscountSpec green_book_discount() {
    DiscountSpec d;
    d.rate = 0.035;
    d.method = DiscountMethod::discrete;
    d.scaling = RateScaling::exact;
    d.discount_first_cycle = false;
    d.schedule = green_book_schedule();
    return d;
}

int break_even_year(const std::vector<double>& cumulative_net_savings) {
    int year = 0;
    for (std::size_t y = cumulative_net_savings.size(); y-- > 0;) {
        if (cumulative_net_savings[y] < 0.0) break;
        year = static_cast<int>(y) + 1;
    }
    return year;
}

InvestmentSummary investment_summary(const BudgetImpact& budget, const InvestmentSpec& spec) {
    const std::size_t n_cat = budget.categories.size();
    if (spec.payers.size() != n_cat || spec.cash_releasing.size() != n_cat) {
        throw InputError({},
                         std::to_string(spec.payers.size()) + " payers and " +
                             std::to_string(spec.cash_releasing.size()) +
                             " cash-releasing flags for " + std::to_string(n_cat) +
                             " cost categories",
                         "Give one payer and one flag per cost category, in category order");
    }
    if (!spec.in_perspective.empty() && spec.in_perspective.size() != n_cat) {
        throw InputError({},
                         std::to_string(spec.in_perspective.size()) + " in-perspective flags for " +
                             std::to_string(n_cat) + " cost categories",
                         "Give one flag per cost category, or none to count every category");
    }
    const auto counted = [&](std::size_t c) {
        return spec.in_perspective.empty() || spec.in_perspective[c];
    };
    std::vector<std::string> vocabulary;
    for (const auto& kv : payer_descriptions()) vocabulary.push_back(kv.first);
    for (std::size_t c = 0; c < n_cat; ++c) {
        const auto& p = spec.payers[c];
        if (!p.empty() && std::find(vocabulary.begin(), vocabulary.end(), p) == vocabulary.end()) {
            throw InputError({},
                             "cost category '" + budget.categories[c] + "' has unknown payer '" +
                                 p + "'" + did_you_mean(p, vocabulary),
                             "Use one of: " + join(vocabulary, ", ") + " (or leave it empty)");
        }
    }
    if (budget.costs.size() != budget.strategies.size()) {
        throw InputError({},
                         std::to_string(budget.costs.size()) + " cost tables for " +
                             std::to_string(budget.strategies.size()) + " strategies",
                         "Give one years x categories table per strategy");
    }
    for (const auto& m : budget.costs) {
        if (static_cast<std::size_t>(m.cols()) != n_cat || m.rows() != budget.costs[0].rows() ||
            m.rows() < 1) {
            throw InputError({}, "cost tables of different shapes",
                             "Give every strategy a table of the same budget years (rows) and "
                             "one column per cost category");
        }
    }
    const auto si = index_of(budget.strategies, spec.strategy, "strategy");
    const auto ci = index_of(budget.strategies, spec.comparator, "comparator strategy");
    if (si == ci) {
        throw InputError({}, "the strategy and its comparator are both '" + spec.strategy + "'",
                         "Compare the intervention with current practice (another strategy)");
    }
    const Eigen::MatrixXd delta = budget.costs[si] - budget.costs[ci];
    const int years = static_cast<int>(delta.rows());

    std::vector<bool> invest(n_cat, false);
    if (spec.investment_categories.empty()) {
        for (std::size_t c = 0; c < n_cat; ++c)
            invest[c] = counted(c) && delta.col(static_cast<Eigen::Index>(c)).sum() > 0.0;
    } else {
        for (const auto& name : spec.investment_categories) {
            const auto c = index_of(budget.categories, name, "investment category");
            if (!counted(c)) {
                throw InputError({},
                                 "investment category '" + name + "' (payer '" + spec.payers[c] +
                                     "') is outside the budget perspective",
                                 "Invest only in categories whose payer the perspective counts, "
                                 "or widen the perspective");
            }
            invest[c] = true;
        }
    }

    InvestmentSummary out;
    out.strategy = spec.strategy;
    out.comparator = spec.comparator;
    for (std::size_t c = 0; c < n_cat; ++c)
        if (invest[c]) out.investment_categories.push_back(budget.categories[c]);

    const auto payer_name = [&](std::size_t c) {
        return spec.payers[c].empty() ? std::string("unassigned") : spec.payers[c];
    };
    const auto slot = [](std::vector<std::string>& names, std::vector<double>& sums,
                         const std::string& name) -> double& {
        const auto it = std::find(names.begin(), names.end(), name);
        if (it != names.end()) return sums[static_cast<std::size_t>(it - names.begin())];
        names.push_back(name);
        sums.push_back(0.0);
        return sums.back();
    };

    double cumulative = 0.0;
    std::vector<double> cumulative_net, cumulative_cash_net;
    double cum_net = 0.0, cum_cash_net = 0.0;
    for (int y = 0; y < years; ++y) {
        double inv = 0.0, sav = 0.0, cash = 0.0, wider = 0.0;
        for (std::size_t c = 0; c < n_cat; ++c) {
            const double d = delta(y, static_cast<Eigen::Index>(c));
            if (!counted(c)) {
                wider -= d;
            } else if (invest[c]) {
                inv += d;
            } else {
                sav -= d;
                if (spec.cash_releasing[c]) cash -= d;
            }
        }
        out.investment.push_back(inv);
        out.gross_savings.push_back(sav);
        out.cash_savings.push_back(cash);
        out.wider_benefits.push_back(wider);
        out.total_wider_benefits += wider;
        out.net_budget_impact.push_back(inv - sav);
        cumulative += inv - sav;
        out.cumulative_net_budget_impact.push_back(cumulative);
        const double t = y + (spec.discount.discount_first_cycle ? 1.0 : 0.0);
        const double d = discount_factor_at(spec.discount, t);
        out.discount_factors.push_back(d);
        out.total_investment += inv;
        out.total_gross_savings += sav;
        out.total_cash_savings += cash;
        out.npv += d * (sav - inv);
        out.cash_npv += d * (cash - inv);
        cum_net += sav - inv;
        cum_cash_net += cash - inv;
        cumulative_net.push_back(cum_net);
        cumulative_cash_net.push_back(cum_cash_net);
    }
    out.total_net_budget_impact = cumulative;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inv_total = out.total_investment;
    out.roi = inv_total != 0.0 ? (out.total_gross_savings - inv_total) / inv_total : nan;
    out.cash_roi = inv_total != 0.0 ? (out.total_cash_savings - inv_total) / inv_total : nan;
    out.benefit_cost_ratio = inv_total != 0.0 ? out.total_gross_savings / inv_total : nan;
    out.break_even_year = break_even_year(cumulative_net);
    out.cash_break_even_year = break_even_year(cumulative_cash_net);

    for (std::size_t c = 0; c < n_cat; ++c) {
        if (!counted(c)) continue;
        const double total = delta.col(static_cast<Eigen::Index>(c)).sum();
        if (invest[c]) {
            slot(out.investing_payers, out.payer_investment, payer_name(c)) += total;
        } else {
            slot(out.saving_payers, out.payer_savings, payer_name(c)) -= total;
        }
    }
    const auto ni = static_cast<Eigen::Index>(out.investing_payers.size());
    const auto ns = static_cast<Eigen::Index>(out.saving_payers.size());
    out.who_pays_who_saves = Eigen::MatrixXd::Zero(ni, ns);
    if (inv_total != 0.0) {
        for (Eigen::Index i = 0; i < ni; ++i)
            for (Eigen::Index j = 0; j < ns; ++j)
                out.who_pays_who_saves(i, j) = out.payer_investment[static_cast<std::size_t>(i)] /
                                               inv_total *
                                               out.payer_savings[static_cast<std::size_t>(j)];
    }
    return out;
}

}  // namespace parity
