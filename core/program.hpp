// The compiled form of a model, shared (read-only) by every Evaluator. Internal to the core.
#pragma once

#include <string>
#include <vector>

#include "parity/model_spec.hpp"

namespace parity {

/// How often an expression must be re-evaluated.
enum Level : int { kConstant = 0, kPerCycle = 1, kPerStateTime = 2 };

struct Program {
    ModelSpec spec;

    // Variable block: parameters first, then the time variables and cycle_length.
    std::vector<std::string> variables;
    std::size_t n_parameters = 0;
    std::size_t var_cycle = 0, var_time = 0, var_age = 0, var_state_time = 0, var_cycle_length = 0;

    struct Expr {
        std::string text;
        std::string context;  // "transitions.csv:5:4 (S1 -> S2, strategy B)"
        int level = kConstant;
    };
    std::vector<Expr> exprs;

    /// Expressions of model elements (not parameters) by level: kConstant ones are evaluated
    /// once per sample, kPerCycle ones every cycle; kPerStateTime ones are evaluated per tunnel
    /// position while their row or reward is built.
    std::vector<int> element_exprs[2];

    std::vector<std::string> parameter_names;
    std::vector<int> parameter_expr;   // expression id of each parameter
    std::vector<int> parameter_level;  // per parameter
    std::vector<int> parameter_order;  // dependency order
    bool has_time_varying_parameters = false;
    bool has_state_time_parameters = false;

    std::vector<std::string> state_names;
    std::vector<std::string> expanded_names;
    std::vector<int> tunnel_length;   // per state
    std::vector<int> first_expanded;  // per state
    std::vector<int> expanded_state;  // compact state of each expanded state
    std::vector<int> expanded_pos;    // position in its tunnel
    std::vector<char> alive;          // per state
    int n_expanded = 0;
    bool has_tunnels = false;

    std::vector<std::string> categories;  // cost categories; index size() is utility
    std::vector<char> cost_in_total;      // per category: counts in the perspective's total
    std::size_t utility_index() const { return categories.size(); }

    struct Entry {
        int to;
        int expr;  // -1: complement of the row
    };
    struct Row {
        std::vector<Entry> entries;
        int level = kConstant;
        std::string complement_context;
        std::string where;  // "transitions.csv:5: " of the row's first transition, or ""
    };
    struct TransitionReward {
        int from, to;
        std::size_t category;  // utility_index() for utilities
        int expr;
    };
    /// A tree payoff spread evenly over `years` years from `from_year` years after entry.
    struct TimedPayoff {
        std::size_t outcome;  // as TreeNode::payoffs
        int value;            // expression of the undiscounted total
        int from_year = -1;   // expression, or -1 for year 0
        int years = -1;       // expression, or -1 for 0 (all at the start of from_year)
    };
    /// A node of a strategy's decision tree.
    struct TreeNode {
        std::string name, label;
        int parent = -1;          // index in the strategy's tree; -1 for the root
        int probability = -1;     // expression of the branch probability; -1: root or complement
        bool complement = false;  // the branch takes 1 - the other branches of its parent
        int state = -1;           // state entered at cycle 0 (terminal nodes), or -1
        std::vector<int> children;
        std::string where;  // "tree.csv:4:3 (column 'probability'): " or ""
        /// (outcome, expression): outcome c < categories.size() is a cost category, then
        /// tree_qaly(), tree_life_years(). Untimed payoffs: present values at entry.
        std::vector<std::pair<std::size_t, int>> payoffs;
        /// Payoffs with timing (tree_payoffs.csv from_year, years): undiscounted totals.
        std::vector<TimedPayoff> timed_payoffs;
    };
    struct StrategyProgram {
        std::string name;
        std::vector<Row> rows;                       // per state
        std::vector<std::vector<int>> state_reward;  // [state][category incl. utility]: expr or -1
        std::vector<int> reward_level;               // per state
        std::vector<TransitionReward> transition_rewards;
        std::vector<int> initial;    // per state: expr or -1
        std::string initial_where;   // "states.csv:2: " or ""
        std::vector<TreeNode> tree;  // depth-first, root first; empty: no tree
    };
    std::vector<std::string> strategy_names;
    std::vector<StrategyProgram> strategies;

    bool has_tree = false;
    std::size_t tree_qaly() const { return categories.size(); }
    std::size_t tree_life_years() const { return categories.size() + 1; }

    /// Empty for a decision tree without states: it has no cycles.
    std::vector<double> weights, cost_discount, outcome_discount;
};

/// Check a ModelSpec and build its Program (core/compile.cpp).
Program compile_program(ModelSpec spec);

}  // namespace parity
