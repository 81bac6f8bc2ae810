// Evaluates a compiled cohort model: expressions are re-evaluated only as often as they change,
// transition matrices are checked each time they are built, and the cohort is propagated without
// ever forming the matrix of the tunnel-expanded model.
#include "parity/cohort.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <numeric>

#include "input_trace.hpp"
#include "kernels.hpp"
#include "parity/discount.hpp"
#include "parity/expression.hpp"
#include "parity/text.hpp"
#include "program.hpp"

namespace parity {
namespace {

constexpr double kRowTolerance = 1e-9;
/// The latest year after entry a timed tree payoff may reach: a lifetime and then some, and a
/// bound on the memory of the budget profile when a timing expression goes astray.
constexpr double kMaxTreeYears = 200.0;

}  // namespace

namespace {

double sum_in_total(const std::vector<double>& costs, const std::vector<char>& in_total) {
    double total = 0.0;
    for (std::size_t c = 0; c < costs.size(); ++c)
        if (in_total.empty() || in_total[c]) total += costs[c];
    return total;
}

}  // namespace

double StrategyOutcomes::total_cost() const { return sum_in_total(costs, in_total); }
double StrategyOutcomes::total_cost_undiscounted() const {
    return sum_in_total(costs_undiscounted, in_total);
}

// ---------------------------------------------------------------------------------------------
// The evaluator works on a block of B samples at once. Expressions are evaluated sample by
// sample (muParser is scalar), but every array the cohort loop touches is laid out with the
// sample index innermost, so the loops over states and cycles run over B contiguous values that
// the compiler vectorises. A deterministic run is a block of one.

struct Evaluator::Impl {
    const Program& prog;
    std::shared_ptr<const Program> keep_alive;
    ExpressionSet exprs;
    double* vars;

    std::size_t B = 0;                  // samples in the current block
    std::size_t n_cat = 0;              // cost categories + utility
    const double* overrides = nullptr;  // B x n_parameters, NaN: use the expression
    std::uint64_t first_sample = 0;
    bool labelled_samples = false;  // say "sample k" in errors (PSA)
    bool keep_tree = false;         // keep sample 0's tree payoffs (a deterministic run)

    std::vector<double> bvars;  // variables x B: parameters, time variables, cycle_length
    std::vector<double> scratch;
    std::vector<double> row_sum;
    std::vector<const double*> given;  // the probabilities probabilities_valid() checks
    std::vector<int> variable_of;      // per expression: the variable it merely names, or -1
    std::vector<double> expr_vals;     // n_exprs x B

    struct Work {
        std::vector<double> P;        // n_expanded x n_states x B
        std::vector<double> R;        // n_expanded x n_cat x B (per year)
        std::vector<double> m, next;  // n_expanded x B
        std::vector<double> flow;     // n_cat x B: one-off rewards on flows into the next point
        std::vector<double> cost_d, cost_u;              // n_cost x B
        std::vector<double> qaly_d, qaly_u, ly_d, ly_u;  // B
        std::vector<double> tree_p, tree_reach;  // tree nodes x B: branch and reach probability
        std::vector<double> tree_values;         // tree nodes x (n_cat + 1): payoffs of sample 0
        std::vector<double> tree_years;  // years since entry x n_cost: sample 0's tree costs
    };
    std::vector<Work> work;
    std::vector<double> point, alive;    // scratch: n_cat x B, B
    std::vector<double> alive_expanded;  // per expanded state: 1 if alive, else 0
    std::vector<double> reward_rate;     // scratch: n_cat, rewards per year at a point
    /// Discount factors of whole years 0, 1, ... after entry into the tree, for costs [0] and
    /// outcomes [1]: grown as timed payoffs reach further.
    std::vector<double> year_discount[2];

    explicit Impl(const CompiledModel& model)
        : prog(*model.program()),
          keep_alive(model.program()),
          exprs(prog.variables, &prog.spec.tables, prog.spec.settings.cycle_length) {
        for (const auto& e : prog.exprs) exprs.add(e.text, e.context);
        for (std::size_t id = 0; id < prog.exprs.size(); ++id) {
            const int v = exprs.variable_of(static_cast<int>(id));
            // Only variables that hold a value for the whole block: parameters, time, cycle length.
            variable_of.push_back(v);
        }
        vars = exprs.variables();
        vars[prog.var_cycle_length] = prog.spec.settings.cycle_length;
        n_cat = prog.categories.size() + 1;
        work.resize(prog.strategies.size());
        for (const auto& sp : prog.strategies)
            for (std::size_t i = 0; i < sp.rows.size(); ++i)
                if (sp.rows[i].level >= kPerStateTime || sp.reward_level[i] >= kPerStateTime)
                    has_state_time_entries = true;
        for (std::size_t e = 0; e < E(); ++e)
            alive_expanded.push_back(prog.alive[prog.expanded_state[e]] ? 1.0 : 0.0);
        reward_rate.resize(n_cat);
        plan_moves();
        plan_row_sources();
        for (int l = 0; l < 2; ++l)
            for (int id : prog.element_exprs[l])
                if (variable_of[static_cast<std::size_t>(id)] < 0)
                    computed_elements[l].push_back(id);
    }

    /// Where each given entry of each row reads its value, one sample at a time: a row of a
    /// large model is a hundred plain parameter names (a Dirichlet row, say), read straight
    /// from the variable rather than through its expression.
    struct RowSource {
        int to;
        int variable;  // the variable the entry names, or -1
        int expr;
    };
    std::vector<std::vector<std::vector<RowSource>>> row_sources;  // [strategy][state]
    /// Per level, the model-element expressions that are evaluated rather than read in place.
    std::vector<int> computed_elements[2];

    void plan_row_sources() {
        row_sources.resize(prog.strategies.size());
        for (std::size_t s = 0; s < prog.strategies.size(); ++s)
            for (const auto& row : prog.strategies[s].rows) {
                std::vector<RowSource> sources;
                for (const auto& entry : row.entries)
                    if (entry.expr >= 0)
                        sources.push_back({entry.to,
                                           variable_of[static_cast<std::size_t>(entry.expr)],
                                           entry.expr});
                row_sources[s].push_back(std::move(sources));
            }
    }

    /// Some row or reward depends on state_time: rebuilt position by position every cycle.
    bool has_state_time_entries = false;

    /// The possible moves of each strategy: only transitions a row defines can carry mass, so
    /// the cohort loop skips the structural zeros of the matrix.
    struct Move {
        std::size_t from, to_state, dest;  // expanded source, compact destination, expanded dest
        bool first_into_dest;
    };
    std::vector<std::vector<Move>> moves;
    std::vector<std::vector<std::size_t>> unreached;  // per strategy: destinations of no move

    void plan_moves() {
        moves.resize(prog.strategies.size());
        for (std::size_t s = 0; s < prog.strategies.size(); ++s)
            for (std::size_t e = 0; e < E(); ++e) {
                const int i = prog.expanded_state[e];
                for (const auto& entry : prog.strategies[s].rows[i].entries) {
                    const int j = entry.to;
                    const int dest =
                        j != i ? prog.first_expanded[j]
                               : prog.first_expanded[i] +
                                     std::min(prog.expanded_pos[e] + 1, prog.tunnel_length[i] - 1);
                    moves[s].push_back(
                        {e, static_cast<std::size_t>(j), static_cast<std::size_t>(dest), false});
                }
            }
        unreached.resize(prog.strategies.size());
        for (std::size_t s = 0; s < moves.size(); ++s) {
            auto& mv = moves[s];
            std::stable_sort(mv.begin(), mv.end(),
                             [](const Move& a, const Move& b) { return a.dest < b.dest; });
            std::vector<char> reached(E(), 0);
            for (std::size_t k = 0; k < mv.size(); ++k) {
                mv[k].first_into_dest = k == 0 || mv[k - 1].dest != mv[k].dest;
                reached[mv[k].dest] = 1;
            }
            for (std::size_t d = 0; d < E(); ++d)
                if (!reached[d]) unreached[s].push_back(d);
        }
    }

    std::size_t S() const { return prog.state_names.size(); }
    std::size_t E() const { return static_cast<std::size_t>(prog.n_expanded); }

    void resize(std::size_t block) {
        if (block == B) return;
        B = block;
        bvars.assign(prog.variables.size() * B, 0.0);
        std::fill(&bvars[prog.var_cycle_length * B], &bvars[(prog.var_cycle_length + 1) * B],
                  prog.spec.settings.cycle_length);
        expr_vals.assign(prog.exprs.size() * B, 0.0);
        point.assign(n_cat * B, 0.0);
        alive.assign(B, 0.0);
        for (auto& w : work) {
            w.P.assign(E() * S() * B, 0.0);
            w.R.assign(E() * n_cat * B, 0.0);
            w.m.assign(E() * B, 0.0);
            w.next.assign(E() * B, 0.0);
            w.flow.assign(n_cat * B, 0.0);
            w.cost_d.assign((n_cat - 1) * B, 0.0);
            w.cost_u.assign((n_cat - 1) * B, 0.0);
            for (auto* v : {&w.qaly_d, &w.qaly_u, &w.ly_d, &w.ly_u}) v->assign(B, 0.0);
        }
        for (std::size_t s = 0; s < work.size(); ++s) {
            const std::size_t n_nodes = prog.strategies[s].tree.size();
            work[s].tree_p.assign(n_nodes * B, 0.0);
            work[s].tree_reach.assign(n_nodes * B, 0.0);
            work[s].tree_values.assign(n_nodes * (n_cat + 1), 0.0);
        }
    }

    std::string sample_label(std::size_t b) const {
        return labelled_samples ? "sample " + std::to_string(first_sample + b) + ", " : "";
    }

    double eval(int id, std::size_t b) {
        const double x = exprs.eval(id);
        if (!std::isfinite(x)) not_finite(id, b, x, true);
        return x;
    }

    void set_time(int t) {
        const double cl = prog.spec.settings.cycle_length;
        vars[prog.var_cycle] = t;
        vars[prog.var_time] = t * cl;
        vars[prog.var_age] = prog.spec.settings.start_age + t * cl;
        vars[prog.var_state_time] = 0;
    }

    /// Evaluate sample b's parameters whose level is at least `min_level`, in dependency order.
    void eval_parameters(std::size_t b, int min_level) {
        const double* ov = overrides ? overrides + b * prog.n_parameters : nullptr;
        for (int i : prog.parameter_order) {
            if (prog.parameter_level[i] < min_level) continue;
            vars[i] = (ov && !std::isnan(ov[i])) ? ov[i] : eval(prog.parameter_expr[i], b);
        }
    }

    void set_state_time(std::size_t b, int k) {
        if (vars[prog.var_state_time] == k) return;
        vars[prog.var_state_time] = k;
        if (prog.has_state_time_parameters) eval_parameters(b, kPerStateTime);
    }

    // ---- expression evaluation for the block ----------------------------------------------

    /// What expression `id` reads in sample b: `scalar` when it was evaluated through the
    /// scalar variables (sample by sample), else from the block.
    std::string inputs_of(int id, std::size_t b, bool scalar = false) const {
        return describe_inputs(prog, id,
                               [&](std::size_t v) { return scalar ? vars[v] : bvars[v * B + b]; });
    }

    /// " It reads ... ." as more of a `what` that bad_row ends with a full stop.
    static std::string sentences(std::string inputs) {
        if (inputs.empty()) return inputs;
        inputs.pop_back();
        return "." + inputs;
    }

    [[noreturn]] void not_finite(int id, std::size_t b, double x, bool scalar = false) {
        throw ModelError(prog.exprs[id].context + ": '" + prog.exprs[id].text + "' evaluates to " +
                         format_double(x) + " (" + sample_label(b) + "cycle " +
                         format_double(vars[prog.var_cycle]) + ")." + inputs_of(id, b, scalar) +
                         " Check the expression and the inputs it reads");
    }

    /// The block of values of a model-element expression: a plain reference to a variable
    /// (most transitions of large models name a parameter) is read where the variable lives.
    const double* values_of(int id) const {
        const int v = variable_of[static_cast<std::size_t>(id)];
        return v >= 0 ? &bvars[static_cast<std::size_t>(v) * B]
                      : &expr_vals[static_cast<std::size_t>(id) * B];
    }

    void check_finite(int id, const double* x) {
        if (kernels::all_finite(x, B)) return;
        for (std::size_t b = 0; b < B; ++b)
            if (!std::isfinite(x[b])) not_finite(id, b, x[b]);
    }

    /// Evaluate the block at cycle t: at level kConstant everything, at kPerCycle only what
    /// changes with time. Parameters go to bvars, other expressions to expr_vals; entries of
    /// rows and rewards that depend on state_time are written straight into P and R, sample by
    /// sample and position by position.
    void eval_block(int t, int level) {
        set_time(t);
        for (std::size_t v : {prog.var_cycle, prog.var_time, prog.var_age, prog.var_state_time})
            std::fill(&bvars[v * B], &bvars[(v + 1) * B], vars[v]);
        const std::size_t np = prog.n_parameters;
        for (int i : prog.parameter_order) {
            if (prog.parameter_level[i] < level) continue;
            if (B == 1 && overrides && !std::isnan(overrides[i])) {  // one sample, drawn
                bvars[static_cast<std::size_t>(i)] = overrides[i];
                continue;
            }
            double* dst = &bvars[static_cast<std::size_t>(i) * B];
            std::size_t given = 0;
            if (overrides)
                for (std::size_t b = 0; b < B; ++b)
                    if (!std::isnan(overrides[b * np + i])) {
                        dst[b] = overrides[b * np + i];
                        ++given;
                    }
            if (given == B) continue;  // every sample sets it (a PSA draw): nothing to evaluate
            std::vector<double>& tmp = scratch;
            tmp.resize(B);
            exprs.eval_block(prog.parameter_expr[i], bvars.data(), B, tmp.data());
            if (given == 0) {  // the usual case: one check and one copy for the block
                check_finite(prog.parameter_expr[i], tmp.data());
                std::copy(tmp.begin(), tmp.end(), dst);
                continue;
            }
            for (std::size_t b = 0; b < B; ++b)
                if (!overrides || std::isnan(overrides[b * np + i])) {
                    if (!std::isfinite(tmp[b])) not_finite(prog.parameter_expr[i], b, tmp[b]);
                    dst[b] = tmp[b];
                }
        }
        for (int l = level; l <= kPerCycle; ++l)
            for (int id : computed_elements[l]) {
                double* dst = &expr_vals[static_cast<std::size_t>(id) * B];
                exprs.eval_block(id, bvars.data(), B, dst);
                check_finite(id, dst);
            }
        if (has_state_time_entries)
            for (std::size_t b = 0; b < B; ++b) {
                load_sample(b);
                eval_state_time_entries(b);
            }
    }

    /// Put sample b's values into the scalar variables (for the scalar path).
    void load_sample(std::size_t b) {
        for (std::size_t v = 0; v < prog.variables.size(); ++v) vars[v] = bvars[v * B + b];
    }

    void eval_state_time_entries(std::size_t b) {
        for (std::size_t s = 0; s < work.size(); ++s) {
            const auto& sp = prog.strategies[s];
            auto& w = work[s];
            for (std::size_t i = 0; i < S(); ++i) {
                const bool row2 = sp.rows[i].level >= kPerStateTime;
                const bool rew2 = sp.reward_level[i] >= kPerStateTime;
                if (!row2 && !rew2) continue;
                for (int k = 0; k < prog.tunnel_length[i]; ++k) {
                    const std::size_t e = static_cast<std::size_t>(prog.first_expanded[i] + k);
                    set_state_time(b, k);
                    if (row2)
                        for (const auto& entry : sp.rows[i].entries)
                            if (entry.expr >= 0)
                                w.P[(e * S() + entry.to) * B + b] = eval(entry.expr, b);
                    if (rew2)
                        for (std::size_t c = 0; c < n_cat; ++c) {
                            const int id = sp.state_reward[i][c];
                            w.R[(e * n_cat + c) * B + b] = id < 0 ? 0.0 : eval(id, b);
                        }
                }
                set_state_time(b, 0);
            }
        }
    }

    // ---- transition matrices and rewards ---------------------------------------------------

    [[noreturn]] void bad_row(std::size_t s, std::size_t e, std::size_t b, int t,
                              const std::string& what, const std::string& fix) {
        const auto& row = prog.strategies[s].rows[prog.expanded_state[e]];
        throw ModelError(row.where + "strategy '" + prog.strategy_names[s] + "', state '" +
                         prog.expanded_names[e] + "', " + sample_label(b) + "cycle " +
                         std::to_string(t) + ": " + what + ". " + fix);
    }

    /// Fill the rows of `state` from expr_vals (entries that depend on state_time are already
    /// in place), add the complement and check every row.
    void build_row(std::size_t s, std::size_t state, int t) {
        const auto& row = prog.strategies[s].rows[state];
        auto& P = work[s].P;
        const bool per_position = row.level >= kPerStateTime;
        const std::size_t first = static_cast<std::size_t>(prog.first_expanded[state]);
        const int L = prog.tunnel_length[state];
        for (int k = 0; k < L; ++k) {
            const std::size_t e = first + static_cast<std::size_t>(k);
            double* Pe = &P[e * S() * B];
            if (!per_position && k > 0) {
                std::copy(&P[first * S() * B], &P[(first + 1) * S() * B], Pe);
                continue;
            }
            if (!per_position && B == 1) {
                const double* named = bvars.data();
                const double* computed = expr_vals.data();
                const auto& sources = row_sources[s][state];
                const auto fill = [&](std::size_t i) {
                    const RowSource& src = sources[i];
                    return Pe[src.to] =
                               src.variable >= 0 ? named[src.variable] : computed[src.expr];
                };
                if (row.complement_context.empty()) {  // filled and checked in one pass
                    if (!given_row_valid(sources.size(), fill)) explain_bad_row(s, e, Pe, t);
                    continue;
                }
                for (std::size_t i = 0; i < sources.size(); ++i) fill(i);
            } else if (!per_position) {
                for (const auto& entry : row.entries)
                    if (entry.expr >= 0)
                        std::copy(values_of(entry.expr), values_of(entry.expr) + B,
                                  Pe + entry.to * B);
            }
            check_row(s, e, Pe, t);
        }
    }

    /// One sample's row of k given probabilities (no complement; a Dirichlet row of a PSA,
    /// say), probability i being probability(i): whether each lies in [0, 1] and they sum to
    /// 1. The sum only checks the row, so it runs as four interleaved sums rather than one
    /// long chain.
    template <typename Probability>
    static bool given_row_valid(std::size_t k, Probability probability) {
        double sum[4] = {0, 0, 0, 0};
        bool in_range = true;
        for (std::size_t i = 0; i < k; ++i) {
            const double p = probability(i);
            in_range &= (p >= 0.0) & (p <= 1.0);
            sum[i % 4] += p;
        }
        const double total = (sum[0] + sum[1]) + (sum[2] + sum[3]);
        return in_range && std::abs(total - 1.0) <= kRowTolerance;
    }

    /// Check every sample's row and fill in its complement. The common case, all rows valid,
    /// runs as whole-block loops; only a failure goes back sample by sample to say which.
    void check_row(std::size_t s, std::size_t e, double* Pe, int t) {
        const auto& row = prog.strategies[s].rows[prog.expanded_state[e]];
        if (B == 1 && row.complement_context.empty()) {  // empty: the row has no C
            if (!given_row_valid(row.entries.size(),
                                 [&](std::size_t i) { return Pe[row.entries[i].to]; }))
                explain_bad_row(s, e, Pe, t);
            return;
        }
        given.clear();
        double* complement = nullptr;
        for (const auto& entry : row.entries)
            if (entry.expr < 0)
                complement = Pe + entry.to * B;
            else
                given.push_back(Pe + entry.to * B);
        if (!probabilities_valid(complement)) explain_bad_row(s, e, Pe, t);
    }

    /// Whether the probabilities in `given` (B samples each) lie in [0, 1] and sum to 1, or with
    /// a complement, to at most 1; the complement is filled in.
    bool probabilities_valid(double* complement) {
        row_sum.assign(B, 0.0);
        bool in_range = true;
        for (const double* p : given) in_range &= kernels::add_probabilities(row_sum.data(), p, B);
        const bool sums_ok =
            complement ? kernels::complement_of(complement, row_sum.data(), kRowTolerance, B)
                       : kernels::sums_to_one(row_sum.data(), kRowTolerance, B);
        return in_range && sums_ok;
    }

    [[noreturn]] void explain_bad_row(std::size_t s, std::size_t e, const double* Pe, int t) {
        const auto& row = prog.strategies[s].rows[prog.expanded_state[e]];
        for (std::size_t b = 0; b < B; ++b) {
            double sum = 0.0;
            bool has_complement = false;
            for (const auto& entry : row.entries) {
                if (entry.expr < 0) {
                    has_complement = true;
                    continue;
                }
                const double p = Pe[entry.to * B + b];
                if (!(p >= 0.0 && p <= 1.0))
                    bad_row(s, e, b, t,
                            "the probability of moving to " + prog.state_names[entry.to] + " is " +
                                format_double(p) + " (" + prog.exprs[entry.expr].context + ": '" +
                                prog.exprs[entry.expr].text + "')" +
                                sentences(inputs_of(entry.expr, b)),
                            "Probabilities must lie in [0, 1]: check the expression and its "
                            "parameters (a rate needs rate_to_prob())");
                sum += p;
            }
            if (has_complement && 1.0 - sum < -kRowTolerance)
                bad_row(s, e, b, t,
                        "the complement (C) is " + format_double(1.0 - sum) + " (" +
                            row.complement_context + "): the other transitions sum to " +
                            format_double(sum),
                        "The probabilities out of a state may not add up to more than 1");
            if (!has_complement && std::abs(sum - 1.0) > kRowTolerance)
                bad_row(s, e, b, t,
                        "the transition probabilities sum to " + format_double(sum) + ", not 1",
                        "Make the row sum to 1, or write C for one transition to take the "
                        "complement");
        }
        throw ModelError("internal error: a transition row failed its check but no sample did");
    }

    void build_rows(std::size_t s, int t, int min_level) {
        for (std::size_t i = 0; i < S(); ++i)
            if (prog.strategies[s].rows[i].level >= min_level) build_row(s, i, t);
    }

    void build_rewards(std::size_t s, int min_level) {
        const auto& sp = prog.strategies[s];
        auto& R = work[s].R;
        for (std::size_t i = 0; i < S(); ++i) {
            if (sp.reward_level[i] < min_level || sp.reward_level[i] >= kPerStateTime) continue;
            const std::size_t first = static_cast<std::size_t>(prog.first_expanded[i]);
            for (std::size_t c = 0; c < n_cat; ++c) {
                const int id = sp.state_reward[i][c];
                double* dst = &R[(first * n_cat + c) * B];
                if (id < 0)
                    std::fill(dst, dst + B, 0.0);
                else
                    std::copy(values_of(id), values_of(id) + B, dst);
            }
            for (int k = 1; k < prog.tunnel_length[i]; ++k)
                std::copy(&R[first * n_cat * B], &R[(first + 1) * n_cat * B],
                          &R[(first + k) * n_cat * B]);
        }
    }

    // ---- the cohort ------------------------------------------------------------------------

    void init_strategy(std::size_t s) {
        const auto& sp = prog.strategies[s];
        auto& w = work[s];
        std::fill(w.m.begin(), w.m.end(), 0.0);
        std::fill(w.flow.begin(), w.flow.end(), 0.0);
        for (auto* v : {&w.cost_d, &w.cost_u, &w.qaly_d, &w.qaly_u, &w.ly_d, &w.ly_u})
            std::fill(v->begin(), v->end(), 0.0);
        if (prog.has_tree)
            run_tree(s);
        else
            init_occupancy(s);
        build_rows(s, 0, kConstant);
        build_rewards(s, kConstant);
        // Point 0 counts the initial occupancy as flows i -> i (DARTH convention), so only
        // rewards on staying in a state apply there.
        for (const auto& tr : sp.transition_rewards) {
            if (tr.from != tr.to) continue;
            for (int k = 0; k < prog.tunnel_length[tr.from]; ++k) {
                const std::size_t e = static_cast<std::size_t>(prog.first_expanded[tr.from] + k);
                for (std::size_t b = 0; b < B; ++b)
                    w.flow[tr.category * B + b] += w.m[e * B + b] * values_of(tr.expr)[b];
            }
        }
    }

    /// The cohort at cycle 0 from the initial shares.
    void init_occupancy(std::size_t s) {
        const auto& sp = prog.strategies[s];
        auto& w = work[s];
        for (std::size_t i = 0; i < S(); ++i) {
            const int id = sp.initial[i];
            if (id < 0) continue;
            const std::size_t e = static_cast<std::size_t>(prog.first_expanded[i]);
            for (std::size_t b = 0; b < B; ++b) {
                const double x = values_of(id)[b];
                if (x < 0.0 || x > 1.0)
                    throw ModelError(prog.exprs[id].context + ": the share is " + format_double(x) +
                                     " (" + sample_label(b) + "cycle 0)." + inputs_of(id, b) +
                                     " Initial shares must lie in [0, 1]");
                w.m[e * B + b] = x;
            }
        }
        for (std::size_t b = 0; b < B; ++b) {
            double total = 0.0;
            for (std::size_t e = 0; e < E(); ++e) total += w.m[e * B + b];
            if (std::abs(total - 1.0) > kRowTolerance)
                throw ModelError(sp.initial_where + "strategy '" + sp.name +
                                 "': the initial shares sum to " + format_double(total) + " (" +
                                 sample_label(b) +
                                 "cycle 0), not 1. Make the initial column (or initial.csv) "
                                 "sum to 1");
        }
    }

    // ---- the decision tree -----------------------------------------------------------------

    /// Walk strategy s's tree (parents come before their children): the probability of reaching
    /// each node, its payoffs added to the totals, and the cohort reaching a terminal node with
    /// a markov_state put into that state at cycle 0.
    void run_tree(std::size_t s) {
        const auto& tree = prog.strategies[s].tree;
        auto& w = work[s];
        std::fill(w.tree_p.begin(), w.tree_p.begin() + B, 1.0);  // the root
        std::fill(w.tree_reach.begin(), w.tree_reach.begin() + B, 1.0);
        const std::size_t n_cost = prog.categories.size();
        if (keep_tree) {
            w.tree_years.assign(n_cost, 0.0);  // year 0
            std::fill(w.tree_values.begin(), w.tree_values.end(), 0.0);
        }
        for (std::size_t k = 0; k < tree.size(); ++k) {
            const auto& node = tree[k];
            const double* reach = &w.tree_reach[k * B];
            if (!node.children.empty()) branch(s, k);
            for (const auto& [outcome, expr] : node.payoffs) {
                const double* v = values_of(expr);
                if (outcome < n_cost) {
                    kernels::add_product(&w.cost_d[outcome * B], reach, v, B);
                    kernels::add_product(&w.cost_u[outcome * B], reach, v, B);
                } else if (outcome == prog.tree_qaly()) {
                    kernels::add_product(w.qaly_d.data(), reach, v, B);
                    kernels::add_product(w.qaly_u.data(), reach, v, B);
                } else {
                    kernels::add_product(w.ly_d.data(), reach, v, B);
                    kernels::add_product(w.ly_u.data(), reach, v, B);
                }
                if (keep_tree) {
                    w.tree_values[k * (n_cat + 1) + outcome] = v[0];
                    if (outcome < n_cost) w.tree_years[outcome] += reach[0] * v[0];
                }
            }
            for (const auto& t : node.timed_payoffs) add_timed_payoff(s, k, t);
            if (node.state >= 0) {
                double* m = &w.m[static_cast<std::size_t>(prog.first_expanded[node.state]) * B];
                for (std::size_t b = 0; b < B; ++b) m[b] += reach[b];
            }
        }
    }

    /// Whole years after entry: the first year a timed payoff falls in, the number of whole
    /// years it covers and the share of a year after them (years = whole + part).
    struct Span {
        std::size_t first = 0, whole = 0;
        double part = 0.0, years = 0.0;
    };

    Span span_of(std::size_t s, const Program::TimedPayoff& t, std::size_t b) {
        Span span;
        const double from = t.from_year < 0 ? 0.0 : values_of(t.from_year)[b];
        if (!(from >= 0.0 && from <= kMaxTreeYears) || std::abs(from - std::round(from)) > 1e-9)
            bad_timing(s, t.from_year, b, from,
                       "from_year must be a whole number of years after entry into the tree, "
                       "from 0 to " +
                           format_double(kMaxTreeYears));
        span.first = static_cast<std::size_t>(std::round(from));
        span.years = t.years < 0 ? 0.0 : values_of(t.years)[b];
        if (!(span.years >= 0.0 && from + span.years <= kMaxTreeYears))
            bad_timing(s, t.years, b, span.years,
                       "years must be 0 or more (0: all of it at the start of from_year), and "
                       "from_year + years at most " +
                           format_double(kMaxTreeYears));
        span.whole = static_cast<std::size_t>(std::floor(span.years));
        span.part = span.years - static_cast<double>(span.whole);
        return span;
    }

    [[noreturn]] void bad_timing(std::size_t s, int id, std::size_t b, double x,
                                 const std::string& fix) {
        const auto& e = prog.exprs[static_cast<std::size_t>(id)];
        throw ModelError(e.context + ": '" + e.text + "' is " + format_double(x) + " (" +
                         sample_label(b) + "strategy '" + prog.strategy_names[s] + "'). " + fix);
    }

    /// The discount factor of whole year y after entry (exact compounding of the model's rates
    /// or schedule; which = 0 for costs, 1 for outcomes).
    double year_factor(int which, std::size_t y) {
        auto& f = year_discount[which];
        const auto& spec =
            which == 0 ? prog.spec.settings.cost_discount : prog.spec.settings.outcome_discount;
        while (f.size() <= y) f.push_back(discount_factor_at(spec, static_cast<double>(f.size())));
        return f[y];
    }

    /// A payoff spread evenly over its years: the share of year first + j is 1 / years for the
    /// whole years and part / years for the last one (all of it in `first` when years is 0),
    /// each discounted at the start of its year, as annuity_from(r, first, years) / years.
    void add_timed_payoff(std::size_t s, std::size_t k, const Program::TimedPayoff& t) {
        auto& w = work[s];
        const std::size_t n_cost = prog.categories.size();
        const double* reach = &w.tree_reach[k * B];
        const double* v = values_of(t.value);
        const int which = t.outcome < n_cost ? 0 : 1;
        double *total_d, *total_u;
        if (t.outcome < n_cost) {
            total_d = &w.cost_d[t.outcome * B];
            total_u = &w.cost_u[t.outcome * B];
        } else if (t.outcome == prog.tree_qaly()) {
            total_d = w.qaly_d.data();
            total_u = w.qaly_u.data();
        } else {
            total_d = w.ly_d.data();
            total_u = w.ly_u.data();
        }
        for (std::size_t b = 0; b < B; ++b) {
            const Span span = span_of(s, t, b);
            double per_unit;  // present value of 1 spread over the span
            if (span.years == 0.0) {
                per_unit = year_factor(which, span.first);
            } else {
                double pv = 0.0;
                for (std::size_t j = 0; j < span.whole; ++j)
                    pv += year_factor(which, span.first + j);
                if (span.part > 0.0) pv += span.part * year_factor(which, span.first + span.whole);
                per_unit = pv / span.years;
            }
            total_d[b] += reach[b] * v[b] * per_unit;
            total_u[b] += reach[b] * v[b];
            if (!keep_tree || b != 0) continue;
            w.tree_values[k * (n_cat + 1) + t.outcome] += v[0] * per_unit;
            if (t.outcome >= n_cost) continue;
            const double amount = reach[0] * v[0];
            if (span.years == 0.0) {
                add_to_year(w, span.first, t.outcome, amount);
                continue;
            }
            for (std::size_t j = 0; j < span.whole; ++j)
                add_to_year(w, span.first + j, t.outcome, amount / span.years);
            if (span.part > 0.0)
                add_to_year(w, span.first + span.whole, t.outcome, amount * span.part / span.years);
        }
    }

    void add_to_year(Work& w, std::size_t year, std::size_t category, double amount) {
        const std::size_t n_cost = prog.categories.size();
        if (w.tree_years.size() < (year + 1) * n_cost)
            w.tree_years.resize((year + 1) * n_cost, 0.0);
        w.tree_years[year * n_cost + category] += amount;
    }

    /// Sample 0's tree costs by year since entry (rows) and category, undiscounted.
    Eigen::MatrixXd tree_year_matrix(std::size_t s) const {
        const std::size_t n_cost = prog.categories.size();
        const auto& y = work[s].tree_years;
        using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
        if (n_cost == 0) return Eigen::MatrixXd(1, 0);
        return Eigen::Map<const RowMajor>(y.data(), static_cast<Eigen::Index>(y.size() / n_cost),
                                          static_cast<Eigen::Index>(n_cost));
    }

    /// Each strategy's tree costs by year since entry for one set of parameter values, without
    /// running the cohort (the Markov part's costs are per cycle already).
    std::vector<Eigen::MatrixXd> tree_year_costs(const double* ov) {
        prepare(0, ov);
        keep_tree = true;
        std::vector<Eigen::MatrixXd> out;
        for (std::size_t s = 0; s < prog.strategies.size(); ++s) {
            run_tree(s);
            out.push_back(tree_year_matrix(s));
        }
        keep_tree = false;
        return out;
    }

    /// The branch probabilities of chance node k, checked, and the reach of its branches.
    void branch(std::size_t s, std::size_t k) {
        const auto& tree = prog.strategies[s].tree;
        auto& w = work[s];
        given.clear();
        double* complement = nullptr;
        for (int c : tree[k].children) {
            double* p = &w.tree_p[static_cast<std::size_t>(c) * B];
            const auto& child = tree[static_cast<std::size_t>(c)];
            if (child.complement) {
                complement = p;
                continue;
            }
            std::copy(values_of(child.probability), values_of(child.probability) + B, p);
            given.push_back(p);
        }
        if (!probabilities_valid(complement)) explain_bad_branches(s, k);
        for (int c : tree[k].children)
            kernels::set_product(&w.tree_reach[static_cast<std::size_t>(c) * B],
                                 &w.tree_reach[k * B], &w.tree_p[static_cast<std::size_t>(c) * B],
                                 B);
    }

    [[noreturn]] void explain_bad_branches(std::size_t s, std::size_t k) {
        const auto& tree = prog.strategies[s].tree;
        const auto& node = tree[k];
        const auto& first = tree[static_cast<std::size_t>(node.children.front())];
        const auto say = [&](const std::string& where, std::size_t b, const std::string& what,
                             const std::string& fix) {
            throw ModelError(where + "strategy '" + prog.strategy_names[s] + "', " +
                             sample_label(b) + "chance node '" + node.name + "': " + what + ". " +
                             fix);
        };
        for (std::size_t b = 0; b < B; ++b) {
            double sum = 0.0;
            const Program::TreeNode* complement = nullptr;
            for (int c : node.children) {
                const auto& child = tree[static_cast<std::size_t>(c)];
                if (child.complement) {
                    complement = &child;
                    continue;
                }
                const double p = work[s].tree_p[static_cast<std::size_t>(c) * B + b];
                if (!(p >= 0.0 && p <= 1.0))
                    say(child.where, b,
                        "the probability of branch '" + child.name + "' is " + format_double(p) +
                            " ('" + prog.exprs[static_cast<std::size_t>(child.probability)].text +
                            "')",
                        "Probabilities must lie in [0, 1]: check the expression and its "
                        "parameters");
                sum += p;
            }
            if (complement && 1.0 - sum < -kRowTolerance)
                say(complement->where, b,
                    "the complement (C) of branch '" + complement->name + "' is " +
                        format_double(1.0 - sum) + ": the other branches sum to " +
                        format_double(sum),
                    "The probabilities of the branches of a chance node may not add up to more "
                    "than 1");
            if (!complement && std::abs(sum - 1.0) > kRowTolerance)
                say(first.where, b,
                    "the branch probabilities sum to " + format_double(sum) + ", not 1",
                    "Make the probabilities of the branches of '" + node.name +
                        "' sum to 1, or write C for one branch to take the complement");
        }
        throw ModelError("internal error: a chance node failed its check but no sample did");
    }

    /// Move strategy s's cohort from point t to t+1, collecting one-off rewards on the flows.
    void step(std::size_t s) {
        auto& w = work[s];
        const auto& sp = prog.strategies[s];
        std::fill(w.flow.begin(), w.flow.end(), 0.0);
        for (const auto& tr : sp.transition_rewards) {
            const double* v = values_of(tr.expr);
            double* f = &w.flow[tr.category * B];
            for (int k = 0; k < prog.tunnel_length[tr.from]; ++k) {
                const std::size_t e = static_cast<std::size_t>(prog.first_expanded[tr.from] + k);
                kernels::add_triple_product(f, &w.m[e * B], &w.P[(e * S() + tr.to) * B], v, B);
            }
        }
        if (B == 1 && !prog.has_tunnels) {
            // One sample of an ordinary model: a dense vector-matrix product.
            kernels::transposed_product(w.next.data(), w.P.data(), w.m.data(), S(), S());
            w.m.swap(w.next);
            return;
        }
        // Moves are grouped by destination: the first into each destination sets it, the
        // rest add, so `next` needs no clearing; destinations nothing reaches are cleared.
        for (std::size_t d : unreached[s]) std::fill(&w.next[d * B], &w.next[(d + 1) * B], 0.0);
        for (const auto& mv : moves[s]) {
            double* out = &w.next[mv.dest * B];
            const double* m = &w.m[mv.from * B];
            const double* p = &w.P[(mv.from * S() + mv.to_state) * B];
            if (mv.first_into_dest)
                kernels::set_product(out, m, p, B);
            else
                kernels::add_product(out, m, p, B);
        }
        w.m.swap(w.next);
    }

    /// Add point t's rewards of strategy s to its totals; returns them in `point`/`alive`.
    void accumulate(std::size_t s, int t) {
        auto& w = work[s];
        const double cl = prog.spec.settings.cycle_length;
        std::copy(w.flow.begin(), w.flow.end(), point.begin());
        std::fill(alive.begin(), alive.end(), 0.0);
        if (B == 1) {
            // One sample: R (states x categories, zero where a state defines no reward) times
            // the occupancy as one dense product, rather than a call per state and category.
            kernels::transposed_product(reward_rate.data(), w.R.data(), w.m.data(), E(), n_cat);
            for (std::size_t c = 0; c < n_cat; ++c) point[c] += cl * reward_rate[c];
            double occupied = 0;
            for (std::size_t e = 0; e < E(); ++e) occupied += alive_expanded[e] * w.m[e];
            alive[0] = cl * occupied;
        } else {
            const auto& sp = prog.strategies[s];
            for (std::size_t e = 0; e < E(); ++e) {
                const double* m = &w.m[e * B];
                const auto& defined = sp.state_reward[prog.expanded_state[e]];
                for (std::size_t c = 0; c < n_cat; ++c)
                    if (defined[c] >= 0)  // rewards a state does not define are always zero
                        kernels::add_scaled_product(&point[c * B], cl, m, &w.R[(e * n_cat + c) * B],
                                                    B);
                if (prog.alive[prog.expanded_state[e]]) kernels::add_scaled(alive.data(), cl, m, B);
            }
        }
        const double wt = prog.weights[t];
        const double dc = wt * prog.cost_discount[t];
        const double de = wt * prog.outcome_discount[t];
        for (std::size_t c = 0; c + 1 < n_cat; ++c) {
            kernels::add_scaled(&w.cost_d[c * B], dc, &point[c * B], B);
            kernels::add_scaled(&w.cost_u[c * B], wt, &point[c * B], B);
        }
        const double* q = &point[(n_cat - 1) * B];
        kernels::add_scaled(w.qaly_d.data(), de, q, B);
        kernels::add_scaled(w.qaly_u.data(), wt, q, B);
        kernels::add_scaled(w.ly_d.data(), de, alive.data(), B);
        kernels::add_scaled(w.ly_u.data(), wt, alive.data(), B);
    }

    /// Run the block; `observe(s, t)` is called after point t of strategy s is accumulated.
    template <typename Observe>
    void run_cohort(Observe&& observe) {
        const int n = prog.spec.settings.n_cycles;
        const std::size_t n_strat = prog.strategies.size();
        eval_block(0, kConstant);
        for (std::size_t s = 0; s < n_strat; ++s) init_strategy(s);
        if (S() == 0) return;  // a decision tree alone: no cycles
        const bool varying = prog.has_time_varying_parameters || !prog.element_exprs[1].empty();
        for (int t = 0; t <= n; ++t) {
            const bool rebuild = t > 0 && (varying || has_state_time_entries);
            if (rebuild) {
                eval_block(t, kPerCycle);
                for (std::size_t s = 0; s < n_strat; ++s) build_rewards(s, kPerCycle);
            }
            for (std::size_t s = 0; s < n_strat; ++s) {
                accumulate(s, t);
                observe(s, t);
                if (t < n) {
                    if (rebuild) build_rows(s, t, kPerCycle);
                    step(s);
                }
            }
        }
    }

    void run(const double* ov, const EvaluateOptions& opt, Outcomes& out) {
        overrides = ov;
        labelled_samples = false;
        keep_tree = true;
        resize(1);
        const int n = S() ? prog.spec.settings.n_cycles : -1;  // no cycle points without states
        const std::size_t n_cost = prog.categories.size();
        out.states = prog.state_names;
        out.categories = prog.categories;
        out.correction_weights = prog.weights;
        out.cost_discount = prog.cost_discount;
        out.outcome_discount = prog.outcome_discount;
        out.strategies.resize(prog.strategies.size());
        for (std::size_t s = 0; s < prog.strategies.size(); ++s) {
            auto& o = out.strategies[s];
            o.strategy = prog.strategy_names[s];
            o.trace.setZero(opt.keep_trace ? n + 1 : 0, static_cast<Eigen::Index>(S()));
            const auto rows = opt.keep_cycles ? n + 1 : 0;
            o.cycle_costs.setZero(rows, static_cast<Eigen::Index>(n_cost));
            o.cycle_qalys.setZero(rows);
            o.cycle_life_years.setZero(rows);
        }
        run_cohort([&](std::size_t s, int t) {
            auto& o = out.strategies[s];
            if (opt.keep_trace)
                for (std::size_t e = 0; e < E(); ++e)
                    o.trace(t, prog.expanded_state[e]) += work[s].m[e];
            if (opt.keep_cycles) {
                for (std::size_t c = 0; c < n_cost; ++c)
                    o.cycle_costs(t, static_cast<Eigen::Index>(c)) = point[c];
                o.cycle_qalys[t] = point[n_cost];
                o.cycle_life_years[t] = alive[0];
            }
        });
        for (std::size_t s = 0; s < prog.strategies.size(); ++s) {
            auto& o = out.strategies[s];
            const auto& w = work[s];
            o.costs = w.cost_d;
            o.costs_undiscounted = w.cost_u;
            o.in_total = prog.cost_in_total;
            o.qalys = w.qaly_d[0];
            o.qalys_undiscounted = w.qaly_u[0];
            o.life_years = w.ly_d[0];
            o.life_years_undiscounted = w.ly_u[0];
            o.tree = tree_outcomes(s);
            if (prog.has_tree) o.tree_year_costs = tree_year_matrix(s);
        }
        out.has_tree = prog.has_tree;
        overrides = nullptr;
        keep_tree = false;
    }

    std::vector<TreeNodeOutcome> tree_outcomes(std::size_t s) const {
        const auto& tree = prog.strategies[s].tree;
        const auto& w = work[s];
        std::vector<TreeNodeOutcome> out(tree.size());
        for (std::size_t k = 0; k < tree.size(); ++k) {
            const auto& node = tree[k];
            auto& o = out[k];
            o.node = node.name;
            o.label = node.label;
            if (node.parent >= 0) o.parent = tree[static_cast<std::size_t>(node.parent)].name;
            if (node.state >= 0)
                o.markov_state = prog.state_names[static_cast<std::size_t>(node.state)];
            o.probability = w.tree_p[k];
            o.reach = w.tree_reach[k];
            const double* values = &w.tree_values[k * (n_cat + 1)];
            o.payoffs.assign(values, values + n_cat + 1);
        }
        return out;
    }

    void run_block(const double* ov, std::size_t count, double* totals, std::uint64_t first,
                   double* cycle_costs) {
        overrides = ov;
        first_sample = first;
        labelled_samples = true;
        resize(count);
        const std::size_t n_strat = prog.strategies.size();
        const std::size_t n_cost = prog.categories.size();
        const std::size_t points = static_cast<std::size_t>(prog.spec.settings.n_cycles) + 1;
        if (cycle_costs) std::fill(cycle_costs, cycle_costs + B * n_strat * points * n_cost, 0.0);
        run_cohort([&](std::size_t s, int t) {
            if (!cycle_costs) return;
            for (std::size_t b = 0; b < B; ++b) {
                double* dst = cycle_costs +
                              ((b * n_strat + s) * points + static_cast<std::size_t>(t)) * n_cost;
                for (std::size_t c = 0; c < n_cost; ++c) dst[c] = point[c * B + b];
            }
        });
        const std::size_t n_out = n_cat + 1;  // costs, QALYs, life-years
        for (std::size_t b = 0; b < B; ++b)
            for (std::size_t s = 0; s < n_strat; ++s) {
                const auto& w = work[s];
                double* dst = totals + (b * n_strat + s) * n_out;
                for (std::size_t c = 0; c + 1 < n_cat; ++c) dst[c] = w.cost_d[c * B + b];
                dst[n_cat - 1] = w.qaly_d[b];
                dst[n_cat] = w.ly_d[b];
            }
        overrides = nullptr;
    }

    void prepare(int cycle, const double* ov) {
        if (cycle < 0 || cycle > prog.spec.settings.n_cycles)
            throw ModelError("cycle " + std::to_string(cycle) + " is outside the model (0 to " +
                             std::to_string(prog.spec.settings.n_cycles) + ")");
        overrides = ov;
        labelled_samples = false;
        resize(1);
        eval_block(0, kConstant);
        if (cycle > 0) eval_block(cycle, kPerCycle);
        overrides = nullptr;
    }
};

Evaluator::Evaluator(const CompiledModel& model) : impl_(std::make_unique<Impl>(model)) {}
Evaluator::~Evaluator() = default;

void Evaluator::run(const double* overrides, const EvaluateOptions& options, Outcomes& out) {
    impl_->run(overrides, options, out);
}

void Evaluator::run_block(const double* overrides, std::size_t count, double* totals,
                          std::uint64_t first_sample, double* cycle_costs) {
    if (count == 0) return;
    impl_->run_block(overrides, count, totals, first_sample, cycle_costs);
}

std::size_t Evaluator::n_outcomes() const { return impl_->n_cat + 1; }

std::size_t Evaluator::preferred_block_size() const {
    // Small models gain from running many samples side by side; large ones already fill the
    // vector units within one sample and would only spill the cache.
    // Measured (benchmarks/run.py): model B with 10 states runs 3x faster in blocks; with 30
    // states one sample at a time through the dense product is 2.5x faster than blocks of 4.
    if (impl_->S() > 16 && !impl_->prog.has_tunnels) return 1;
    const std::size_t cells = impl_->E() * impl_->S() * impl_->prog.strategies.size();
    return std::clamp<std::size_t>(8192 / std::max<std::size_t>(cells, 1), 1, 64);
}

Eigen::MatrixXd Evaluator::transition_matrix(int strategy, int cycle, const double* overrides) {
    impl_->prepare(cycle, overrides);
    const auto s = static_cast<std::size_t>(strategy);
    impl_->build_rows(s, cycle, kConstant);
    const auto& P = impl_->work[s].P;
    Eigen::MatrixXd out(impl_->prog.n_expanded, static_cast<Eigen::Index>(impl_->S()));
    for (std::size_t e = 0; e < impl_->E(); ++e)
        for (std::size_t j = 0; j < impl_->S(); ++j)
            out(static_cast<Eigen::Index>(e), static_cast<Eigen::Index>(j)) = P[e * impl_->S() + j];
    return out;
}

std::vector<Eigen::MatrixXd> Evaluator::tree_year_costs(const double* overrides) {
    if (!impl_->prog.has_tree) return {};
    return impl_->tree_year_costs(overrides);
}

std::vector<double> Evaluator::parameter_values(int cycle, const double* overrides) {
    impl_->prepare(cycle, overrides);
    const auto& bv = impl_->bvars;
    return std::vector<double>(bv.begin(), bv.begin() + impl_->prog.n_parameters);
}

// ---------------------------------------------------------------------------------------------

class EvaluatorPool {
public:
    /// An evaluator for the caller's exclusive use; given back to the pool when the lease ends.
    struct Lease {
        EvaluatorPool* pool;
        std::unique_ptr<Evaluator> evaluator;
        ~Lease() {
            std::lock_guard<std::mutex> lock(pool->mutex_);
            pool->idle_.push_back(std::move(evaluator));
        }
        Evaluator& operator*() { return *evaluator; }
    };

    Lease lease(const CompiledModel& model) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!idle_.empty()) {
                auto ev = std::move(idle_.back());
                idle_.pop_back();
                return Lease{this, std::move(ev)};
            }
        }
        return Lease{this, std::make_unique<Evaluator>(model)};
    }

private:
    std::mutex mutex_;
    std::vector<std::unique_ptr<Evaluator>> idle_;
};

CompiledModel::CompiledModel(ModelSpec spec)
    : program_(std::make_shared<const Program>(compile_program(std::move(spec)))),
      pool_(std::make_shared<EvaluatorPool>()) {
    // Parse every expression once now, so syntax problems surface when the model is built.
    pool_->lease(*this);
}

void CompiledModel::with_evaluator(const std::function<void(Evaluator&)>& f) const {
    auto ev = pool_->lease(*this);
    f(*ev);
}

const ModelSpec& CompiledModel::spec() const { return program_->spec; }
const std::vector<std::string>& CompiledModel::parameter_names() const {
    return program_->parameter_names;
}
const std::vector<std::string>& CompiledModel::strategy_names() const {
    return program_->strategy_names;
}
const std::vector<std::string>& CompiledModel::state_names() const { return program_->state_names; }
const std::vector<std::string>& CompiledModel::cost_categories() const {
    return program_->categories;
}
const std::vector<char>& CompiledModel::cost_in_total() const { return program_->cost_in_total; }
const std::vector<std::string>& CompiledModel::expanded_state_names() const {
    return program_->expanded_names;
}

bool CompiledModel::parameter_varies_with_time(const std::string& name) const {
    const auto& names = program_->parameter_names;
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end())
        throw ModelError("unknown parameter '" + name + "'" + did_you_mean(name, names));
    return program_->parameter_level[static_cast<std::size_t>(it - names.begin())] > kConstant;
}

bool CompiledModel::parameter_varies_with_time(std::size_t index) const {
    return program_->parameter_level.at(index) > kConstant;
}

std::vector<double> CompiledModel::override_vector(
    const std::map<std::string, double>& overrides) const {
    const auto& names = program_->parameter_names;
    std::vector<double> v(names.size(), std::numeric_limits<double>::quiet_NaN());
    for (const auto& [name, value] : overrides) {
        const auto it = std::find(names.begin(), names.end(), name);
        if (it == names.end())
            throw ModelError("unknown parameter '" + name + "'" + did_you_mean(name, names) +
                             ". Only parameters of the model can be overridden");
        if (std::isnan(value)) throw ModelError("parameter '" + name + "' cannot be set to NaN");
        v[static_cast<std::size_t>(it - names.begin())] = value;
    }
    return v;
}

Outcomes CompiledModel::evaluate(const EvaluateOptions& options) const {
    return evaluate(std::map<std::string, double>{}, options);
}

Outcomes CompiledModel::evaluate(const std::map<std::string, double>& overrides,
                                 const EvaluateOptions& options) const {
    auto ev = pool_->lease(*this);
    Outcomes out;
    const auto v = override_vector(overrides);
    (*ev).run(overrides.empty() ? nullptr : v.data(), options, out);
    return out;
}

Eigen::MatrixXd CompiledModel::transition_matrix(
    const std::string& strategy, int cycle, const std::map<std::string, double>& overrides) const {
    const auto& names = program_->strategy_names;
    const auto it = std::find(names.begin(), names.end(), strategy);
    if (it == names.end())
        throw ModelError("unknown strategy '" + strategy + "'" + did_you_mean(strategy, names));
    auto ev = pool_->lease(*this);
    const auto v = override_vector(overrides);
    return (*ev).transition_matrix(static_cast<int>(it - names.begin()), cycle, v.data());
}

std::map<std::string, double> CompiledModel::parameter_values(
    int cycle, const std::map<std::string, double>& overrides) const {
    auto ev = pool_->lease(*this);
    const auto v = override_vector(overrides);
    const auto values = (*ev).parameter_values(cycle, v.data());
    std::map<std::string, double> out;
    for (std::size_t i = 0; i < values.size(); ++i) out[program_->parameter_names[i]] = values[i];
    return out;
}

}  // namespace parity
