// Turns a ModelSpec into a Program: every name resolved, every expression parsed, parameters
// ordered by dependency, and each expression marked with how often it changes.
#include <muParser.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "compile_tree.hpp"
#include "parity/expression.hpp"
#include "parity/input_checks.hpp"
#include "parity/text.hpp"
#include "program.hpp"

namespace parity {
namespace {

std::string place(const Location& where) {
    const std::string s = where.str();
    return s.empty() ? "" : s + ": ";
}

std::string strategy_label(const std::string& s) {
    return s == kAllStrategies ? "all strategies" : "strategy " + s;
}

[[noreturn]] void fail(const Location& where, const std::string& what, const std::string& fix) {
    throw ModelError(format_error(where, what, fix));
}

/// A row's place without its column: element locations point at the expression cell, which is
/// the wrong column for a problem with the row's names.
Location row_of(Location where) {
    where.column = 0;
    where.column_name.clear();
    return where;
}

std::vector<std::string> reserved_names() {
    std::vector<std::string> r = time_variable_names();
    r.push_back("cycle_length");
    r.push_back("C");
    mu::Parser p;
    for (const auto& kv : p.GetFunDef()) r.push_back(kv.first);
    for (const auto& kv : p.GetConst()) r.push_back(kv.first);
    return r;
}

class Compiler {
public:
    explicit Compiler(ModelSpec spec) { prog_.spec = std::move(spec); }

    Program run() {
        check_tree_model(spec());
        prog_.has_tree = spec().has_tree();
        check_settings();
        check_inputs(spec());
        collect_states();
        collect_strategies();
        collect_parameters();
        collect_categories();
        mark_perspective();
        for (std::size_t s = 0; s < prog_.strategy_names.size(); ++s) {
            Program::StrategyProgram sp;
            sp.name = prog_.strategy_names[s];
            build_rows(sp);
            build_state_rewards(sp);
            build_transition_rewards(sp);
            if (prog_.has_tree)
                build_tree(sp);
            else
                build_initial(sp);
            prog_.strategies.push_back(std::move(sp));
        }
        std::vector<char> is_parameter(prog_.exprs.size(), 0);
        for (int id : prog_.parameter_expr) is_parameter[id] = 1;
        for (std::size_t id = 0; id < prog_.exprs.size(); ++id)
            if (!is_parameter[id] && prog_.exprs[id].level < kPerStateTime)
                prog_.element_exprs[prog_.exprs[id].level].push_back(static_cast<int>(id));
        const Settings& st = prog_.spec.settings;
        if (prog_.state_names.empty()) return std::move(prog_);  // a tree alone has no cycles
        prog_.weights = correction_weights(st.correction, st.n_cycles);
        prog_.cost_discount = discount_factors(st.cost_discount, st.n_cycles, st.cycle_length);
        prog_.outcome_discount =
            discount_factors(st.outcome_discount, st.n_cycles, st.cycle_length);
        return std::move(prog_);
    }

private:
    Program prog_;
    std::unordered_map<std::string, int> state_index_, strategy_index_, param_index_;
    std::map<const void*, int> expr_of_row_;  // one compiled expression per spec row

    const ModelSpec& spec() const { return prog_.spec; }

    void check_settings() {
        const Settings& s = spec().settings;
        if (s.n_cycles < 1 && !(spec().has_tree() && spec().states.empty()))
            fail({}, "the number of cycles is not set",
                 "Add a row n_cycles,<number> to settings.csv (or settings n_cycles=...)");
        if (!(s.cycle_length > 0))
            fail({}, "cycle_length must be positive", "Set cycle_length in years, e.g. 1 or 1/12");
    }

    void collect_states() {
        if (spec().states.empty() && !spec().has_tree())
            fail({}, "the model has no states",
                 "List the states in states.csv, or give the model a decision tree (tree.csv)");
        for (const auto& st : spec().states) {
            if (st.name.empty()) fail(st.where, "a state has no name", "Give every state a name");
            if (!state_index_.emplace(st.name, static_cast<int>(prog_.state_names.size())).second)
                fail(st.where, "state '" + st.name + "' is defined twice",
                     "Give every state a unique name");
            if (st.tunnel_length < 1)
                fail(
                    st.where,
                    "state '" + st.name + "' has tunnel_length " + std::to_string(st.tunnel_length),
                    "Use 1 for an ordinary state or L > 1 for a tunnel of L cycles");
            prog_.state_names.push_back(st.name);
            prog_.alive.push_back(st.alive ? 1 : 0);
            prog_.tunnel_length.push_back(st.tunnel_length);
            prog_.first_expanded.push_back(prog_.n_expanded);
            for (int k = 0; k < st.tunnel_length; ++k) {
                prog_.expanded_names.push_back(
                    st.tunnel_length == 1 ? st.name : st.name + "[" + std::to_string(k) + "]");
                prog_.expanded_state.push_back(static_cast<int>(prog_.state_names.size()) - 1);
                prog_.expanded_pos.push_back(k);
            }
            prog_.n_expanded += st.tunnel_length;
            if (st.tunnel_length > 1) prog_.has_tunnels = true;
        }
    }

    void collect_strategies() {
        if (spec().strategies.empty())
            fail({}, "the model has no strategies", "List at least one strategy in strategies.csv");
        for (const auto& s : spec().strategies) {
            if (s.name.empty() || s.name == kAllStrategies)
                fail(s.where, "a strategy needs a name other than '*'",
                     "Give every strategy a name");
            if (!strategy_index_.emplace(s.name, static_cast<int>(prog_.strategy_names.size()))
                     .second)
                fail(s.where, "strategy '" + s.name + "' is defined twice",
                     "Give every strategy a unique name");
            prog_.strategy_names.push_back(s.name);
        }
    }

    int state_of(const std::string& name, const Location& where, const std::string& role) {
        const auto it = state_index_.find(name);
        if (it == state_index_.end())
            fail(row_of(where),
                 "unknown state '" + name + "' in " + role + did_you_mean(name, prog_.state_names),
                 "Use one of the states of states.csv: " + join(prog_.state_names, ", "));
        return it->second;
    }

    void check_strategy(const std::string& name, const Location& where) {
        if (name == kAllStrategies) return;
        if (!strategy_index_.count(name))
            fail(row_of(where),
                 "unknown strategy '" + name + "'" + did_you_mean(name, prog_.strategy_names),
                 "Use one of " + join(prog_.strategy_names, ", ") + ", or * for all strategies");
    }

    // ---- parameters ----

    void collect_parameters() {
        const auto reserved = reserved_names();
        const auto& params = spec().parameters;
        for (std::size_t i = 0; i < params.size(); ++i) {
            const auto& p = params[i];
            if (p.name.empty())
                fail(p.where, "a parameter has no name", "Give every parameter a name");
            if (std::find(reserved.begin(), reserved.end(), p.name) != reserved.end())
                fail(p.where, "parameter name '" + p.name + "' is reserved",
                     "Rename it: time variables (cycle, time, age, state_time, cycle_length), "
                     "C and function names cannot be parameters");
            if (!param_index_.emplace(p.name, static_cast<int>(i)).second)
                fail(p.where, "parameter '" + p.name + "' is defined twice",
                     "Keep one definition of each parameter");
            if (trim(p.expression).empty())
                fail(p.where, "parameter '" + p.name + "' has no value",
                     "Give a number or an expression");
            prog_.parameter_names.push_back(p.name);
        }
        prog_.n_parameters = params.size();
        prog_.variables = prog_.parameter_names;
        prog_.var_cycle = prog_.variables.size();
        for (const auto& t : time_variable_names()) prog_.variables.push_back(t);
        prog_.var_time = prog_.var_cycle + 1;
        prog_.var_age = prog_.var_cycle + 2;
        prog_.var_state_time = prog_.var_cycle + 3;
        prog_.var_cycle_length = prog_.variables.size();
        prog_.variables.push_back("cycle_length");

        // Dependencies, then a depth-first order that reports the first circle it meets.
        std::vector<std::vector<int>> deps(params.size());
        std::vector<int> direct_level(params.size(), kConstant);
        for (std::size_t i = 0; i < params.size(); ++i) {
            const auto& p = params[i];
            const std::string ctx = place(p.where) + "parameter '" + p.name + "'";
            for (const auto& n : referenced_names(p.expression, spec().tables, ctx)) {
                const auto it = param_index_.find(n);
                if (it != param_index_.end()) {
                    deps[i].push_back(it->second);
                } else {
                    direct_level[i] = std::max(direct_level[i], time_level(n, ctx));
                }
            }
        }
        std::vector<int> mark(params.size(), 0);  // 0 new, 1 on the stack, 2 done
        std::vector<int> stack;
        prog_.parameter_level.assign(params.size(), kConstant);
        std::function<void(int)> visit = [&](int i) {
            if (mark[i] == 2) return;
            if (mark[i] == 1) {
                auto start = std::find(stack.begin(), stack.end(), i);
                std::string path;
                for (auto it = start; it != stack.end(); ++it) path += params[*it].name + " -> ";
                path += params[i].name;
                fail(params[i].where, "circular parameter definition: " + path,
                     "Break the circle: at least one of these parameters must not depend on "
                     "the others");
            }
            mark[i] = 1;
            stack.push_back(i);
            int level = direct_level[i];
            for (int d : deps[i]) {
                visit(d);
                level = std::max(level, prog_.parameter_level[d]);
            }
            stack.pop_back();
            mark[i] = 2;
            prog_.parameter_level[i] = level;
            prog_.parameter_order.push_back(i);
        };
        for (std::size_t i = 0; i < params.size(); ++i) visit(static_cast<int>(i));
        prog_.parameter_expr.resize(params.size());
        for (std::size_t i = 0; i < params.size(); ++i) {
            const auto& p = params[i];
            prog_.parameter_expr[i] =
                add_expr(p.expression, place(p.where) + "parameter '" + p.name + "'",
                         prog_.parameter_level[i]);
            if (prog_.parameter_level[i] >= kPerCycle) prog_.has_time_varying_parameters = true;
            if (prog_.parameter_level[i] >= kPerStateTime) prog_.has_state_time_parameters = true;
        }
    }

    int time_level(const std::string& name, const std::string& ctx) {
        if (name == "state_time") return kPerStateTime;
        if (name == "cycle" || name == "time" || name == "age") return kPerCycle;
        if (name == "cycle_length") return kConstant;
        throw ModelError(ctx + ": unknown name '" + name + "'" +
                         did_you_mean(name, prog_.parameter_names) +
                         ". Define it in parameters.csv or fix its spelling (names are "
                         "case-sensitive)");
    }

    int add_expr(const std::string& text, const std::string& ctx, int level) {
        prog_.exprs.push_back({text, ctx, level});
        return static_cast<int>(prog_.exprs.size()) - 1;
    }

    /// Compile an expression of a model element, once per spec row.
    int expr_for(const void* row, const std::string& text, const std::string& ctx) {
        const auto it = expr_of_row_.find(row);
        if (it != expr_of_row_.end()) return it->second;
        if (trim(text).empty())
            throw ModelError(ctx + ": the value is empty. Give a number or an expression");
        int level = kConstant;
        for (const auto& n : referenced_names(text, spec().tables, ctx)) {
            const auto p = param_index_.find(n);
            level = std::max(level, p != param_index_.end() ? prog_.parameter_level[p->second]
                                                            : time_level(n, ctx));
        }
        const int id = add_expr(text, ctx, level);
        expr_of_row_[row] = id;
        return id;
    }

    // ---- categories ----

    void collect_categories() {
        auto add = [&](const std::string& c, const Location& where) {
            if (c.empty() || c == kUtility) return;
            if (to_lower(c) == kUtility)
                fail(where,
                     "reward category '" + c + "' looks like utility but is spelt differently",
                     "Write utility (lower case) for QALYs, or rename the cost category");
            if (c == "qalys" || c == "life_years")
                fail(where,
                     "'" + c +
                         "' cannot be a cost category: results use that name for a "
                         "health outcome",
                     "Rename the category");
            if (std::find(prog_.categories.begin(), prog_.categories.end(), c) ==
                prog_.categories.end())
                prog_.categories.push_back(c);
        };
        for (const auto& c : spec().cost_categories) {
            check_payer(c);
            add(c.name, c.where);
        }
        for (const auto& r : spec().state_rewards) {
            if (trim(r.category).empty())
                fail(r.where, "a state reward has no category",
                     "Give a cost category (e.g. nhs_acute) or utility");
            add(r.category, row_of(r.where));
        }
        for (const auto& r : spec().transition_rewards) {
            if (trim(r.category).empty())
                fail(r.where, "a transition reward has no category",
                     "Give a cost category (e.g. nhs_acute) or utility");
            add(r.category, row_of(r.where));
        }
    }

    // A perspective counts a category by its payer, so each category needs one.
    void mark_perspective() {
        const auto& perspective = spec().settings.perspective;
        prog_.cost_in_total.assign(prog_.categories.size(), 1);
        if (perspective.empty()) return;
        for (std::size_t i = 0; i < prog_.categories.size(); ++i) {
            const auto& name = prog_.categories[i];
            const auto listed =
                std::find_if(spec().cost_categories.begin(), spec().cost_categories.end(),
                             [&](const CostCategory& c) { return c.name == name; });
            if (listed == spec().cost_categories.end() || listed->payer.empty())
                fail(listed == spec().cost_categories.end() ? Location{} : row_of(listed->where),
                     "cost category '" + name +
                         "' has no payer, but the model sets a perspective (" +
                         join(perspective, ";") + ")",
                     "Give the category a payer in cost_categories.csv, or remove the perspective "
                     "setting to count every category");
            prog_.cost_in_total[i] = std::find(perspective.begin(), perspective.end(),
                                               listed->payer) != perspective.end();
        }
    }

    static void check_payer(const CostCategory& c) {
        if (c.payer.empty()) return;
        std::vector<std::string> payers;
        for (const auto& kv : payer_descriptions()) payers.push_back(kv.first);
        if (std::find(payers.begin(), payers.end(), c.payer) == payers.end())
            fail(row_of(c.where),
                 "cost category '" + c.name + "' has unknown payer '" + c.payer + "'" +
                     did_you_mean(c.payer, payers),
                 "Use one of: " + join(payers, ", ") + " (or leave payer empty)");
    }

    std::size_t category_index(const std::string& c) const {
        if (c == kUtility) return prog_.utility_index();
        return static_cast<std::size_t>(
            std::find(prog_.categories.begin(), prog_.categories.end(), c) -
            prog_.categories.begin());
    }

    // ---- rows of the transition matrix ----

    /// The rows that apply to a strategy: its own rows replace the rows for all strategies with
    /// the same key. Two rows with the same key and strategy are an error.
    template <typename T, typename Key>
    std::vector<const T*> resolve(const std::vector<T>& rows, const std::string& strategy, Key key,
                                  const std::string& what, std::string (*describe)(const T&)) {
        std::map<decltype(key(rows.front())), const T*> generic, own;
        for (const auto& r : rows) {
            check_strategy(r.strategy, r.where);
            if (r.strategy != kAllStrategies && r.strategy != strategy) continue;
            auto& target = r.strategy == kAllStrategies ? generic : own;
            const auto k = key(r);
            const auto [it, inserted] = target.emplace(k, &r);
            if (!inserted)
                fail(row_of(r.where),
                     what + " (" + describe(r) + ") is given twice for " +
                         strategy_label(r.strategy) +
                         (it->second->where.empty() ? std::string()
                                                    : " (also at " + it->second->where.str() + ")"),
                     "Keep one row; a row for one strategy replaces the row for all (*)");
        }
        for (const auto& kv : own) generic[kv.first] = kv.second;
        std::vector<const T*> out;
        for (const auto& kv : generic) out.push_back(kv.second);
        std::sort(out.begin(), out.end());  // spec order, since they point into one vector
        return out;
    }

    void build_rows(Program::StrategyProgram& sp) {
        sp.rows.assign(prog_.state_names.size(), {});
        const auto rows = resolve(
            spec().transitions, sp.name,
            [](const Transition& t) { return std::make_pair(t.from, t.to); }, "a transition",
            +[](const Transition& t) { return t.from + " -> " + t.to; });
        for (const Transition* t : rows) {
            const int from = state_of(t->from, t->where, "a transition's from column");
            const int to = state_of(t->to, t->where, "a transition's to column");
            const std::string ctx = place(t->where) + "transition " + t->from + " -> " + t->to +
                                    " (" + strategy_label(t->strategy) + ")";
            auto& row = sp.rows[from];
            if (row.where.empty()) row.where = place(row_of(t->where));
            if (trim(t->expression) == "C") {
                if (!row.complement_context.empty())
                    fail(t->where,
                         "state '" + t->from + "' has more than one complement (C) for " +
                             strategy_label(sp.name),
                         "Use C for at most one transition out of each state");
                row.complement_context = ctx;
                row.entries.push_back({to, -1});
            } else {
                const int id = expr_for(t, t->expression, ctx);
                row.entries.push_back({to, id});
                row.level = std::max(row.level, prog_.exprs[id].level);
            }
        }
        for (std::size_t i = 0; i < sp.rows.size(); ++i)
            if (sp.rows[i].entries.empty())
                fail(spec().states[i].where,
                     "state '" + prog_.state_names[i] + "' has no transitions for strategy " +
                         sp.name,
                     "Add its transitions to transitions.csv; an absorbing state needs a row " +
                         prog_.state_names[i] + "," + prog_.state_names[i] + ",1");
    }

    void build_state_rewards(Program::StrategyProgram& sp) {
        const std::size_t n_cat = prog_.categories.size() + 1;
        sp.state_reward.assign(prog_.state_names.size(), std::vector<int>(n_cat, -1));
        sp.reward_level.assign(prog_.state_names.size(), kConstant);
        const auto rows = resolve(
            spec().state_rewards, sp.name,
            [](const StateReward& r) { return std::make_pair(r.state, r.category); },
            "a state reward", +[](const StateReward& r) { return r.category + " of " + r.state; });
        for (const StateReward* r : rows) {
            const int s = state_of(r->state, r->where, "a state reward");
            const std::string ctx = place(r->where) + r->category + " of state " + r->state + " (" +
                                    strategy_label(r->strategy) + ")";
            const int id = expr_for(r, r->expression, ctx);
            sp.state_reward[s][category_index(r->category)] = id;
            sp.reward_level[s] = std::max(sp.reward_level[s], prog_.exprs[id].level);
        }
    }

    void build_transition_rewards(Program::StrategyProgram& sp) {
        const auto rows = resolve(
            spec().transition_rewards, sp.name,
            [](const TransitionReward& r) { return std::make_tuple(r.from, r.to, r.category); },
            "a transition reward",
            +[](const TransitionReward& r) {
                return r.category + " on " + r.from + " -> " + r.to;
            });
        for (const TransitionReward* r : rows) {
            const int to = state_of(r->to, r->where, "a transition reward's to column");
            const std::string ctx = place(r->where) + r->category + " on " + r->from + " -> " +
                                    r->to + " (" + strategy_label(r->strategy) + ")";
            const int id = expr_for(r, r->expression, ctx);
            if (prog_.exprs[id].level >= kPerStateTime)
                fail(r->where, "a one-off reward cannot depend on state_time",
                     "Make the reward a parameter that does not use state_time, or move the "
                     "time-in-state effect into a state reward");
            const std::size_t cat = category_index(r->category);
            if (r->from == kAllStrategies) {
                for (int f = 0; f < static_cast<int>(prog_.state_names.size()); ++f)
                    if (f != to) sp.transition_rewards.push_back({f, to, cat, id});
            } else {
                const int from = state_of(r->from, r->where, "a transition reward's from column");
                sp.transition_rewards.push_back({from, to, cat, id});
            }
        }
    }

    void build_tree(Program::StrategyProgram& sp) {
        const auto nodes = resolve(
            spec().tree, sp.name, [](const TreeNode& n) { return trim(n.node); }, "a tree node",
            +[](const TreeNode& n) { return n.node; });
        const auto payoffs = resolve(
            spec().tree_payoffs, sp.name,
            // Rows of one node and category with different timings add up (a cost in childhood,
            // another in adult life); a strategy's row replaces the * row of the same timing.
            [](const TreePayoff& p) {
                return std::make_tuple(p.node, p.category, trim(p.from_year), trim(p.years));
            },
            "a tree payoff",
            +[](const TreePayoff& p) { return p.category + " of node " + p.node; });
        compile_tree(
            nodes, payoffs, prog_,
            [this](const void* row, const std::string& text, const std::string& ctx) {
                return expr_for(row, text, ctx);
            },
            sp);
    }

    void build_initial(Program::StrategyProgram& sp) {
        sp.initial.assign(prog_.state_names.size(), -1);
        const auto rows = resolve(
            spec().initial, sp.name, [](const InitialShare& r) { return r.state; },
            "an initial share", +[](const InitialShare& r) { return r.state; });
        if (rows.empty())
            fail({}, "strategy " + sp.name + " has no initial distribution",
                 "Give states.csv an initial column (e.g. 1 for the starting state) or add "
                 "initial.csv");
        for (const InitialShare* r : rows) {
            const int s = state_of(r->state, r->where, "the initial distribution");
            const std::string ctx = place(r->where) + "initial share of " + r->state + " (" +
                                    strategy_label(r->strategy) + ")";
            const int id = expr_for(r, r->expression, ctx);
            if (prog_.exprs[id].level != kConstant)
                fail(r->where, "the initial share of " + r->state + " depends on time",
                     "Initial shares are read at cycle 0: use parameters that do not depend "
                     "on cycle, time, age or state_time");
            sp.initial[s] = id;
            if (sp.initial_where.empty()) sp.initial_where = place(row_of(r->where));
        }
    }
};

}  // namespace

Program compile_program(ModelSpec spec) { return Compiler(std::move(spec)).run(); }

}  // namespace parity
