// The cohort state-transition engine: a ModelSpec is compiled once (names resolved, expressions
// parsed, parameters ordered by dependency, time dependence marked) and then evaluated as often as
// needed, for the base case or with parameter values overridden (sensitivity analyses).
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "parity/model_spec.hpp"

namespace parity {

struct Program;       // the compiled form; see core/program.hpp
class EvaluatorPool;  // evaluators kept for reuse; see core/cohort.cpp
class Evaluator;

struct EvaluateOptions {
    /// Keep the cohort trace (occupancy of each state at each cycle point).
    bool keep_trace = true;
    /// Keep the rewards of each cycle point (costs by category, QALYs, life-years).
    bool keep_cycles = true;
};

/// A node of a strategy's decision tree as evaluated (a deterministic run).
struct TreeNodeOutcome {
    std::string node;
    std::string parent;  // empty for the root
    std::string label;
    std::string markov_state;  // the state a terminal node enters, or empty
    /// Probability of the branch given the parent (1 for the root).
    double probability = 1.0;
    /// Probability of reaching the node from the root.
    double reach = 1.0;
    /// Payoff per person reaching the node as a present value (a timed payoff discounted with
    /// the model's rates): the cost categories of Outcomes::categories, then QALYs, then
    /// life-years.
    std::vector<double> payoffs;
};

struct StrategyOutcomes {
    std::string strategy;
    /// Corrected and discounted totals by cost category (order of Outcomes::categories).
    std::vector<double> costs;
    /// Corrected totals by cost category, not discounted.
    std::vector<double> costs_undiscounted;
    double qalys = 0.0;
    double qalys_undiscounted = 0.0;
    double life_years = 0.0;
    double life_years_undiscounted = 0.0;

    /// Per cost category: 1 when it counts in total_cost() (the model's perspective setting).
    std::vector<char> in_total;

    /// Sum of the costs of the categories in the model's perspective (every category when the
    /// model sets none): the cost of ICERs and net benefit.
    double total_cost() const;
    double total_cost_undiscounted() const;

    /// (n_cycles+1) x states: share of the cohort in each state at each cycle point (0 rows for a
    /// decision tree without states).
    Eigen::MatrixXd trace;
    /// (n_cycles+1) x categories: costs counted at each cycle point before correction and
    /// discounting (state costs for the cycle plus one-off costs on the flows into the point).
    Eigen::MatrixXd cycle_costs;
    Eigen::VectorXd cycle_qalys;
    Eigen::VectorXd cycle_life_years;
    /// The decision tree, nodes parents first (depth-first); empty for a Markov model. Its
    /// expected payoffs (reach x payoff) are part of the totals above but not of the per-cycle
    /// rewards: the totals are the tree's payoffs plus the Markov model's corrected and
    /// discounted rewards.
    std::vector<TreeNodeOutcome> tree;
    /// A decision tree's expected costs per person entering, by year since entry (rows 0, 1,
    /// ...) and cost category, undiscounted: untimed payoffs in year 0, timed ones spread over
    /// their years (tree_payoffs.csv from_year, years). The budget impact places them in budget
    /// years; the Markov part's costs are in cycle_costs. Empty for a Markov model.
    Eigen::MatrixXd tree_year_costs;
};

struct Outcomes {
    std::vector<std::string> states;
    std::vector<std::string> categories;
    /// Per cycle point t = 0..n: within-cycle correction weight and discount factors, so that
    /// total = sum_t weight_t * discount_t * value_t.
    std::vector<double> correction_weights;
    std::vector<double> cost_discount;
    std::vector<double> outcome_discount;
    std::vector<StrategyOutcomes> strategies;
    /// The model has a decision tree: each strategy's tree_year_costs hold its tree's costs.
    bool has_tree = false;
};

class CompiledModel {
public:
    /// Check the model and compile it. Throws ModelError naming the place of the first problem.
    explicit CompiledModel(ModelSpec spec);

    const ModelSpec& spec() const;
    const std::vector<std::string>& parameter_names() const;
    const std::vector<std::string>& strategy_names() const;
    const std::vector<std::string>& state_names() const;
    const std::vector<std::string>& cost_categories() const;
    /// Per cost category: 1 when the model's perspective counts it in the total cost.
    const std::vector<char>& cost_in_total() const;
    /// Row labels of transition matrices: the state names, with tunnel states expanded as
    /// "name[k]" for k = 0..L-1.
    const std::vector<std::string>& expanded_state_names() const;
    /// Whether the parameter's value changes with time (cycle, age, state_time).
    bool parameter_varies_with_time(const std::string& name) const;
    /// The same for the parameter at `index` in parameter_names().
    bool parameter_varies_with_time(std::size_t index) const;

    Outcomes evaluate(const EvaluateOptions& options = {}) const;
    /// Evaluate with some parameters set to given values instead of their expressions.
    Outcomes evaluate(const std::map<std::string, double>& overrides,
                      const EvaluateOptions& options = {}) const;

    /// Transition matrix of a strategy for the move from cycle point `cycle` to `cycle + 1`:
    /// rows are expanded_state_names(), columns state_names().
    Eigen::MatrixXd transition_matrix(const std::string& strategy, int cycle,
                                      const std::map<std::string, double>& overrides = {}) const;
    /// Parameter values at a cycle (time-varying ones take that cycle's value).
    std::map<std::string, double> parameter_values(
        int cycle = 0, const std::map<std::string, double>& overrides = {}) const;

    /// One value per parameter (NaN: use the expression), in parameter_names() order.
    std::vector<double> override_vector(const std::map<std::string, double>& overrides) const;

    const std::shared_ptr<const Program>& program() const { return program_; }

    /// Call f with an evaluator of this model for the caller's exclusive use: one the model
    /// keeps from earlier work when one is idle (building one parses every expression, which
    /// for a large model costs more than many runs), else a new one, kept afterwards.
    void with_evaluator(const std::function<void(Evaluator&)>& f) const;

private:
    std::shared_ptr<const Program> program_;
    // Parsing every expression costs far more than a run, so evaluators are kept and reused.
    std::shared_ptr<EvaluatorPool> pool_;
};

/// A reusable workspace that evaluates a compiled model. Each thread owns its own.
class Evaluator {
public:
    explicit Evaluator(const CompiledModel& model);
    ~Evaluator();
    Evaluator(const Evaluator&) = delete;
    Evaluator& operator=(const Evaluator&) = delete;

    /// `overrides` has one entry per parameter (NaN: use the expression), or is null.
    void run(const double* overrides, const EvaluateOptions& options, Outcomes& out);
    /// Evaluate `count` samples side by side: `overrides` holds count x n_parameters values
    /// (NaN: the model's expression). Writes totals[(b * n_strategies + s) * n_outcomes() + o]
    /// with o = the discounted cost categories, then QALYs, then life-years. `first_sample`
    /// only labels error messages. When `cycle_costs` is given, it receives each sample's costs
    /// counted at each cycle point, as StrategyOutcomes::cycle_costs (undiscounted, before
    /// correction): cycle_costs[((b * n_strategies + s) * (n_cycles + 1) + t) * categories + c].
    void run_block(const double* overrides, std::size_t count, double* totals,
                   std::uint64_t first_sample = 0, double* cycle_costs = nullptr);
    std::size_t n_outcomes() const;
    /// The block size at which run_block is fastest for this model.
    std::size_t preferred_block_size() const;

    Eigen::MatrixXd transition_matrix(int strategy, int cycle, const double* overrides);
    std::vector<double> parameter_values(int cycle, const double* overrides);
    /// A decision tree's costs by year since entry, per strategy (StrategyOutcomes::
    /// tree_year_costs), for one set of overrides (as run()); the cohort is not run. Empty for a
    /// model without a tree.
    std::vector<Eigen::MatrixXd> tree_year_costs(const double* overrides);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace parity
