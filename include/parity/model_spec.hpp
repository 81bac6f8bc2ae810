// ModelSpec: a cohort state-transition model, a decision tree, or a tree whose branches end in a
// cohort model, as plain data before anything is parsed or checked.
// Every element keeps the place it came from so that errors found later can point back to it.
#pragma once

#include <limits>
#include <map>
#include <string>
#include <vector>

#include "parity/correction.hpp"
#include "parity/discount.hpp"
#include "parity/errors.hpp"

namespace parity {

/// The strategy name that makes a row apply to every strategy.
inline const std::string kAllStrategies = "*";

/// The reward category whose values are utilities: summed over time they give QALYs.
inline const std::string kUtility = "utility";

/// A model input: a number, or an expression of other parameters, lookup tables and the time
/// variables (`cycle`, `time`, `age`, `state_time`).
struct Parameter {
    std::string name;
    std::string expression;
    std::string unit;
    std::string price_year;
    std::string source;
    std::string notes;
    /// Distribution for probabilistic analysis, kept verbatim until the uncertainty layer reads it
    /// (for example distribution="gamma", distribution_parameters="shape=30; rate=200").
    std::string distribution;
    std::string distribution_parameters;
    Location where;
};

struct State {
    std::string name;
    std::string label;
    /// Whether time in this state counts as life-years.
    bool alive = true;
    /// Cycles of memory kept for this state: 1 is an ordinary state; L > 1 makes a tunnel whose
    /// occupants know how many cycles they have spent in it (`state_time` = 0..L-1, the last
    /// position holding everyone who stayed L-1 cycles or more).
    int tunnel_length = 1;
    Location where;
};

struct Strategy {
    std::string name;
    std::string label;
    Location where;
};

/// Probability of moving from `from` to `to` in one cycle. Rows for a named strategy replace the
/// row for all strategies (`*`) with the same from/to.
struct Transition {
    std::string strategy = kAllStrategies;
    std::string from;
    std::string to;
    /// A probability expression, or "C" for the complement of the other entries of the row.
    std::string expression;
    Location where;
};

/// A reward earned for each cycle spent in a state. Costs are per year and utilities are annual
/// values: both are multiplied by the cycle length, so the same inputs serve monthly cycles.
struct StateReward {
    std::string strategy = kAllStrategies;
    std::string state;
    /// A cost category (e.g. `nhs_acute`) or `utility`.
    std::string category;
    std::string expression;
    Location where;
};

/// A one-off reward counted on the flow between two states (a cost of entering a state, a cost of
/// death, a one-off utility decrement). `from` may be `*`: every state other than `to`.
struct TransitionReward {
    std::string strategy = kAllStrategies;
    std::string from;
    std::string to;
    std::string category;
    std::string expression;
    Location where;
};

/// Share of the cohort starting in a state.
struct InitialShare {
    std::string strategy = kAllStrategies;
    std::string state;
    std::string expression;
    Location where;
};

enum class Interpolation { step, linear };
enum class OutOfRange { clamp, error };

/// A table of values by a numeric key (a life table by age): each value column `c` of table `t`
/// becomes a function `t_c(key)` in expressions, and `t(key)` when there is one value column.
struct LookupTable {
    std::string name;
    std::string key_name;
    std::vector<double> keys;
    std::vector<std::string> columns;
    std::vector<std::vector<double>> values;  // values[column][row]
    /// step: the value at the largest key not above the argument (ages in whole years).
    Interpolation interpolation = Interpolation::step;
    /// clamp: arguments outside the keys take the first or last row; error: they are an error.
    OutOfRange out_of_range = OutOfRange::clamp;
    std::string source;
    std::string notes;
    Location where;
};

/// A cost category with who bears it: the budget-impact view splits costs by payer and by
/// whether a saving would release cash.
struct CostCategory {
    std::string name;
    std::string label;
    std::string payer;
    bool cash_releasing = false;
    std::string notes;
    Location where;
};

/// One entry of the covariance matrix of a multivariate-normal group of parameters (for
/// example regression coefficients); the matrix is symmetric, so each pair is given once.
struct CovarianceEntry {
    std::string parameter_1;
    std::string parameter_2;
    double value = 0.0;
    Location where;
};

/// A node of a decision tree (tree.csv). Every node but the root is a branch of its parent, a
/// chance node; a node without children is a terminal node. A row for a named strategy replaces
/// the `*` row of the same node, so a strategy can change a branch probability.
struct TreeNode {
    std::string strategy = kAllStrategies;
    std::string node;
    /// Empty for the root.
    std::string parent;
    /// Probability of this branch given the parent: an expression, "C" for one minus the
    /// other branches of the parent, or empty for the root.
    std::string probability;
    std::string label;
    /// Terminal nodes only: the branch enters this state of the Markov model at cycle 0.
    std::string markov_state;
    std::string notes;
    /// The cells: `where` is the node name's cell.
    Location where, parent_where, probability_where, markov_state_where;
};

/// The category of a tree payoff that holds QALYs; `life_years` holds life-years. Any other
/// category is a cost category.
inline const std::string kTreeQaly = "qaly";
inline const std::string kTreeLifeYears = "life_years";

/// A payoff counted once for every person reaching a node (tree_payoffs.csv). Without timing it
/// is a present value at entry into the tree, which the engine does not discount again. With
/// timing (`from_year` and/or `years` given) it is the undiscounted total, spread evenly over
/// `years` years from `from_year` years after entry; the engine discounts each year's share with
/// the model's rates and a budget impact places it in the budget years it falls in
/// (docs/methods/decision-tree.md, "Payoffs over time").
struct TreePayoff {
    std::string strategy = kAllStrategies;
    std::string node;
    /// A cost category, `qaly` or `life_years`.
    std::string category;
    std::string expression;
    /// Expressions; both empty: no timing. Empty from_year means 0, empty years means 0 (all of
    /// it at the start of from_year).
    std::string from_year;
    std::string years;
    std::string notes;
    /// The cells: `where` is the value's cell.
    Location where, node_where, category_where, from_year_where, years_where;

    bool timed() const { return !from_year.empty() || !years.empty(); }
};

/// Time conventions and run settings; defaults follow the NICE reference case.
struct Settings {
    int n_cycles = 0;
    double cycle_length = 1.0;  // years
    double start_age = 0.0;
    DiscountSpec cost_discount;
    DiscountSpec outcome_discount;
    CorrectionSpec correction;
    std::string currency = "GBP";
    std::string price_year;
    /// When true every parameter and lookup table must cite its source (or say "Assumption:
    /// ..."): the shipped replication models set it so no input goes unsourced.
    bool require_sources = false;
    /// Payers whose costs count in the total cost used for ICERs and net benefit (the
    /// perspective, e.g. NHS and PSS for the NICE reference case); empty: every cost category.
    /// Costs by category are reported whatever the perspective.
    std::vector<std::string> perspective;
    /// Willingness-to-pay values for net benefit (per QALY).
    std::vector<double> wtp = {20000.0, 30000.0};
};

struct ModelSpec {
    std::string name;
    std::string description;
    Settings settings;
    std::vector<Parameter> parameters;
    std::vector<State> states;
    std::vector<Strategy> strategies;
    std::vector<Transition> transitions;
    std::vector<StateReward> state_rewards;
    std::vector<TransitionReward> transition_rewards;
    std::vector<InitialShare> initial;
    std::vector<LookupTable> tables;
    std::vector<CovarianceEntry> covariance;
    /// Cost categories in the order results report them; categories used by rewards but not
    /// listed are appended in order of first use.
    std::vector<CostCategory> cost_categories;
    /// A decision tree (tree.csv) whose branches may end in the Markov model above; empty for a
    /// pure Markov model.
    std::vector<TreeNode> tree;
    std::vector<TreePayoff> tree_payoffs;

    bool has_tree() const { return !tree.empty(); }
};

/// Apply one `key,value` setting (as found in settings.csv or given in Python). Throws InputError
/// naming the key and the accepted values when the key is unknown or the value malformed.
void apply_setting(Settings& settings, const std::string& key, const std::string& value,
                   const Location& where = {});

/// The names apply_setting accepts, with a one-line description each (for docs and messages).
const std::vector<std::pair<std::string, std::string>>& setting_descriptions();

/// The payers a cost category may name (cost_categories.csv `payer`), with a description each:
/// the budget-impact view splits costs and savings by these organisations.
const std::vector<std::pair<std::string, std::string>>& payer_descriptions();

/// The payers of a perspective: nhs, nhs_pss (NICE reference case), public_sector, societal, or
/// payers separated by semicolons. Throws InputError at `where` for an unknown name or none.
std::vector<std::string> parse_perspective(const std::string& value, const Location& where);

/// The settings as key,value pairs that apply_setting reads back to the same Settings.
std::vector<std::pair<std::string, std::string>> settings_to_pairs(const Settings& settings);

}  // namespace parity
