#include "parity/budget_psa.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include "parity/errors.hpp"
#include "parity/text.hpp"

namespace parity {

const std::vector<std::string>& BudgetPsaOutcomes::yearly_names() {
    static const std::vector<std::string> names{"investment", "gross_savings", "cash_savings"};
    return names;
}

const std::vector<std::string>& BudgetPsaOutcomes::summary_names() {
    static const std::vector<std::string> names{
        "roi",      "cash_roi",        "benefit_cost_ratio",  "npv",
        "cash_npv", "break_even_year", "cash_break_even_year"};
    return names;
}

namespace {

/// What every sample shares: the model's layout and the spec resolved to indices.
struct Plan {
    const CompiledModel& model;
    const BudgetPsaSpec& spec;
    CorrectionMethod method;
    double cycle_length;
    std::size_t n_strategies, points, n_cost, n_parameters;
    std::size_t strategy, comparator;   // indices among the model's strategies
    std::vector<std::size_t> category;  // per fixed cost: its cost category
    std::vector<int> parameter;         // per fixed cost: its parameter, or -1 for an amount
    bool needs_parameters = false;
    Outcomes shell;  // categories and correction weights; cycle costs filled per sample

    Plan(const CompiledModel& m, const BudgetPsaSpec& s, const Outcomes& base)
        : model(m),
          spec(s),
          method(m.spec().settings.correction.method),
          cycle_length(m.spec().settings.cycle_length),
          n_strategies(m.strategy_names().size()),
          points(static_cast<std::size_t>(m.spec().settings.n_cycles) + 1),
          n_cost(m.cost_categories().size()),
          n_parameters(m.parameter_names().size()) {
        strategy = index_of(m.strategy_names(), s.investment.strategy, "strategy");
        comparator = index_of(m.strategy_names(), s.investment.comparator, "comparator strategy");
        const auto& names = m.parameter_names();
        for (const auto& f : s.fixed_costs) {
            category.push_back(index_of(m.cost_categories(), f.category, "cost category"));
            check_per_year(f, s.budget.horizon_years);
            if (f.parameter.empty()) {
                parameter.push_back(-1);
                continue;
            }
            const std::size_t k = index_of(names, f.parameter, "parameter");
            if (m.parameter_varies_with_time(k))
                throw InputError({},
                                 "the " + std::string(f.one_off ? "one-off" : "recurring") +
                                     " cost of '" + f.category + "' is parameter '" + f.parameter +
                                     "', which varies with time",
                                 "Give a parameter with one value per sample, or a number");
            parameter.push_back(static_cast<int>(k));
            needs_parameters = true;
        }
        shell.states = base.states;  // empty for a tree alone: no per-cycle costs
        shell.categories = base.categories;
        shell.correction_weights = base.correction_weights;
        shell.has_tree = base.has_tree;
        shell.strategies.resize(2);
        shell.strategies[0].strategy = s.investment.strategy;
        shell.strategies[1].strategy = s.investment.comparator;
        for (auto& o : shell.strategies) o.cycle_costs.setZero(points, n_cost);
    }

    static void check_per_year(const FixedCost& f, int horizon_years) {
        const std::string what = "the " + std::string(f.one_off ? "one-off" : "recurring") +
                                 " cost of '" + f.category + "'";
        if (!f.per_year.empty() && f.per_year.size() != static_cast<std::size_t>(horizon_years))
            throw InputError({},
                             what + " has " + std::to_string(f.per_year.size()) +
                                 " yearly multipliers for " + std::to_string(horizon_years) +
                                 " budget years",
                             "Give one per budget year, or none");
        for (const double k : f.per_year)
            if (!std::isfinite(k) || k < 0)
                throw InputError({}, what + " has a yearly multiplier of " + format_double(k),
                                 "Give the number of teams paid for each year (0 or more)");
    }

    static std::size_t index_of(const std::vector<std::string>& names, const std::string& name,
                                const std::string& what) {
        const auto it = std::find(names.begin(), names.end(), name);
        if (it == names.end())
            throw InputError({}, "unknown " + what + " '" + name + "'" + did_you_mean(name, names),
                             "Use one of: " + join(names, ", "));
        return static_cast<std::size_t>(it - names.begin());
    }

    /// The budget of one sample: `outcomes` holds its per-cycle costs, `values` every
    /// parameter's value (needed only when a fixed cost names a parameter).
    BudgetImpact budget(const Outcomes& outcomes, const std::vector<double>& values) const {
        BudgetImpact b = budget_impact(outcomes, method, cycle_length, spec.budget);
        // As the deterministic case adds them: amount x price factor, to the strategy only.
        for (std::size_t i = 0; i < spec.fixed_costs.size(); ++i) {
            const auto& f = spec.fixed_costs[i];
            const double amount =
                parameter[i] < 0 ? f.amount : values[static_cast<std::size_t>(parameter[i])];
            auto column = b.costs[0].col(static_cast<Eigen::Index>(category[i]));
            if (!f.per_year.empty())
                for (Eigen::Index y = 0; y < column.size(); ++y)
                    column(y) +=
                        amount * spec.budget.price_factor * f.per_year[static_cast<std::size_t>(y)];
            else if (f.one_off)
                column(0) += amount * spec.budget.price_factor;
            else
                column.array() += amount * spec.budget.price_factor;
        }
        return b;
    }
};

class BudgetObserver : public SampleObserver {
public:
    BudgetObserver(const Plan& plan, BudgetPsaOutcomes& out)
        : plan_(plan), out_(out), outcomes_(plan.shell) {
        if (plan.needs_parameters || plan.shell.has_tree)
            evaluator_ = std::make_unique<Evaluator>(plan.model);
    }

    void observe(std::uint64_t index, std::size_t count, const double* parameters,
                 const double* cycle_costs) override {
        using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
        const auto rows = static_cast<Eigen::Index>(plan_.points);
        const auto cols = static_cast<Eigen::Index>(plan_.n_cost);
        const std::size_t years = static_cast<std::size_t>(out_.horizon_years);
        const std::size_t n_cat = plan_.n_cost;
        const std::size_t n_year = BudgetPsaOutcomes::yearly_names().size();
        const std::size_t n_sum = BudgetPsaOutcomes::summary_names().size();
        for (std::size_t b = 0; b < count; ++b) {
            const std::size_t which[2] = {plan_.strategy, plan_.comparator};
            for (std::size_t k = 0; k < 2; ++k) {
                const double* src =
                    cycle_costs + (b * plan_.n_strategies + which[k]) * plan_.points * n_cat;
                outcomes_.strategies[k].cycle_costs = Eigen::Map<const RowMajor>(src, rows, cols);
            }
            const double* sample = parameters + b * plan_.n_parameters;
            if (plan_.needs_parameters) values_ = evaluator_->parameter_values(0, sample);
            if (plan_.shell.has_tree) {
                // A tree's costs by year since entry are not cycle costs: evaluate them for the
                // sample's parameters (the cohort is not run again).
                auto years = evaluator_->tree_year_costs(sample);
                outcomes_.strategies[0].tree_year_costs = std::move(years[plan_.strategy]);
                outcomes_.strategies[1].tree_year_costs = std::move(years[plan_.comparator]);
            }
            const BudgetImpact budget = plan_.budget(outcomes_, values_);
            const InvestmentSummary s = investment_summary(budget, plan_.spec.investment);

            const std::size_t i = static_cast<std::size_t>(index) + b;
            for (std::size_t k = 0; k < 2; ++k)
                for (std::size_t y = 0; y < years; ++y)
                    for (std::size_t c = 0; c < n_cat; ++c)
                        out_.costs[((i * 2 + k) * years + y) * n_cat + c] = budget.costs[k](
                            static_cast<Eigen::Index>(y), static_cast<Eigen::Index>(c));
            for (std::size_t y = 0; y < years; ++y) {
                double* row = &out_.yearly[(i * years + y) * n_year];
                row[0] = s.investment[y];
                row[1] = s.gross_savings[y];
                row[2] = s.cash_savings[y];
            }
            double* summary = &out_.summary[i * n_sum];
            summary[0] = s.roi;
            summary[1] = s.cash_roi;
            summary[2] = s.benefit_cost_ratio;
            summary[3] = s.npv;
            summary[4] = s.cash_npv;
            summary[5] = s.break_even_year;
            summary[6] = s.cash_break_even_year;
        }
    }

private:
    const Plan& plan_;
    BudgetPsaOutcomes& out_;
    Outcomes outcomes_;                     // this worker's copy of the plan's shell
    std::unique_ptr<Evaluator> evaluator_;  // parameter values and tree costs of a sample
    std::vector<double> values_;
};

}  // namespace

BudgetPsa run_budget_psa(const CompiledModel& model, const PsaOptions& options,
                         const BudgetPsaSpec& spec) {
    EvaluateOptions keep;
    keep.keep_trace = false;
    const Outcomes run = model.evaluate(keep);
    const Plan plan(model, spec, run);
    // The base case first: a bad spec fails here once, with its own message, rather than in
    // every sample.
    {
        Outcomes base = plan.shell;
        base.strategies[0].cycle_costs = run.strategies[plan.strategy].cycle_costs;
        base.strategies[1].cycle_costs = run.strategies[plan.comparator].cycle_costs;
        base.strategies[0].tree_year_costs = run.strategies[plan.strategy].tree_year_costs;
        base.strategies[1].tree_year_costs = run.strategies[plan.comparator].tree_year_costs;
        const auto named = model.parameter_values(0);
        std::vector<double> values;
        for (const auto& name : model.parameter_names()) values.push_back(named.at(name));
        investment_summary(plan.budget(base, values), spec.investment);
    }

    BudgetPsa result;
    auto& out = result.budget;
    out.strategies = {spec.investment.strategy, spec.investment.comparator};
    out.categories = model.cost_categories();
    out.horizon_years = spec.budget.horizon_years;
    out.first_sample = options.first_sample;
    out.n_samples = options.n_samples;
    const std::size_t years = static_cast<std::size_t>(spec.budget.horizon_years);
    out.costs.assign(options.n_samples * 2 * years * out.categories.size(), 0.0);
    out.yearly.assign(options.n_samples * years * BudgetPsaOutcomes::yearly_names().size(), 0.0);
    out.summary.assign(options.n_samples * BudgetPsaOutcomes::summary_names().size(), 0.0);

    PsaOptions with_budget = options;
    with_budget.make_observer = [&plan, &out]() -> std::unique_ptr<SampleObserver> {
        return std::make_unique<BudgetObserver>(plan, out);
    };
    result.psa = run_psa(model, with_budget);
    return result;
}

}  // namespace parity
