// Evaluates a compiled cohort model: expressions are re-evaluated only as often as they change,
// transition matrices are checked each time they are built, and the cohort is propagated without
// ever forming the matrix of the tunnel-expanded model.
#include "parity/cohort.hpp"

#include <cmath>
#include <limits>
#include <mutex>
#include <numeric>

#include "parity/expression.hpp"
#include "parity/text.hpp"
#include "program.hpp"

namespace parity {
namespace {

constexpr double kRowTolerance = 1e-9;

std::string value_text(double x) { return format_double(x); }

}  // namespace

double StrategyOutcomes::total_cost() const {
    return std::accumulate(costs.begin(), costs.end(), 0.0);
}
double StrategyOutcomes::total_cost_undiscounted() const {
    return std::accumulate(costs_undiscounted.begin(), costs_undiscounted.end(), 0.0);
}

// ---------------------------------------------------------------------------------------------

struct Evaluator::Impl {
    const Program& prog;
    std::shared_ptr<const Program> keep_alive;
    ExpressionSet exprs;
    double* vars;
    const double* overrides = nullptr;

    // Per strategy working state.
    struct Work {
        Eigen::MatrixXd P;        // expanded rows x compact states
        Eigen::MatrixXd reward;   // expanded states x (categories + utility), per year
        Eigen::VectorXd m, next;  // expanded occupancy
        Eigen::VectorXd flow_reward;  // one-off rewards on the flows into the next point
        bool rows_built = false, rewards_built = false;
    };
    std::vector<Work> work;

    explicit Impl(const CompiledModel& model)
        : prog(*model.program()),
          keep_alive(model.program()),
          exprs(prog.variables, &prog.spec.tables, prog.spec.settings.cycle_length) {
        for (const auto& e : prog.exprs) exprs.add(e.text, e.context);
        vars = exprs.variables();
        vars[prog.var_cycle_length] = prog.spec.settings.cycle_length;
        work.resize(prog.strategies.size());
    }

    double eval(int id) {
        const double x = exprs.eval(id);
        if (!std::isfinite(x))
            throw ModelError(prog.exprs[id].context + ": '" + prog.exprs[id].text +
                             "' evaluates to " + value_text(x) + " at cycle " +
                             value_text(vars[prog.var_cycle]) +
                             ". Check the expression and the parameters it uses");
        return x;
    }

    void set_time(int t) {
        const double cl = prog.spec.settings.cycle_length;
        vars[prog.var_cycle] = t;
        vars[prog.var_time] = t * cl;
        vars[prog.var_age] = prog.spec.settings.start_age + t * cl;
        vars[prog.var_state_time] = 0;
    }

    /// Evaluate the parameters whose level is at least `min_level`, in dependency order.
    void eval_parameters(int min_level) {
        for (int i : prog.parameter_order) {
            if (prog.parameter_level[i] < min_level) continue;
            if (overrides && !std::isnan(overrides[i])) {
                vars[i] = overrides[i];
                continue;
            }
            vars[i] = eval(prog.parameter_expr[i]);
        }
    }

    void set_state_time(int k) {
        if (vars[prog.var_state_time] == k) return;
        vars[prog.var_state_time] = k;
        if (prog.has_state_time_parameters) eval_parameters(kPerStateTime);
    }

    [[noreturn]] void bad_row(std::size_t s, int e, int t, const std::string& what,
                              const std::string& fix) {
        const auto& state = prog.expanded_names[e];
        throw ModelError("strategy '" + prog.strategy_names[s] + "', state '" + state +
                         "', cycle " + std::to_string(t) + ": " + what + ". " + fix);
    }

    /// Fill the rows of the expanded states of `state` whose level is at least `min_level`.
    void build_row(std::size_t s, int state, int t) {
        const auto& row = prog.strategies[s].rows[state];
        auto& P = work[s].P;
        const int L = prog.tunnel_length[state];
        const bool per_position = row.level >= kPerStateTime;
        for (int k = 0; k < L; ++k) {
            const int e = prog.first_expanded[state] + k;
            if (k > 0 && !per_position) {
                P.row(e) = P.row(e - 1);
                continue;
            }
            if (per_position) set_state_time(k);
            P.row(e).setZero();
            double sum = 0.0;
            int complement = -1;
            for (const auto& entry : row.entries) {
                if (entry.expr < 0) {
                    complement = entry.to;
                    continue;
                }
                const double p = eval(entry.expr);
                if (p < 0.0 || p > 1.0)
                    bad_row(s, e, t,
                            "the probability of moving to " + prog.state_names[entry.to] + " is " +
                                value_text(p) + " (" + prog.exprs[entry.expr].context + ": '" +
                                prog.exprs[entry.expr].text + "')",
                            "Probabilities must lie in [0, 1]: check the expression and its "
                            "parameters (a rate needs rate_to_prob())");
                P(e, entry.to) += p;
                sum += p;
            }
            if (complement >= 0) {
                double c = 1.0 - sum;
                if (c < -kRowTolerance)
                    bad_row(s, e, t,
                            "the complement (C) is " + value_text(c) + " (" +
                                row.complement_context + "): the other transitions sum to " +
                                value_text(sum),
                            "The probabilities out of a state may not add up to more than 1");
                P(e, complement) += std::max(c, 0.0);
            } else if (std::abs(sum - 1.0) > kRowTolerance) {
                bad_row(s, e, t,
                        "the transition probabilities sum to " + value_text(sum) +
                            ", not 1",
                        "Make the row sum to 1, or write C for one transition to take the "
                        "complement");
            }
        }
        if (per_position) set_state_time(0);
    }

    void build_rows(std::size_t s, int t, bool only_varying) {
        for (std::size_t i = 0; i < prog.state_names.size(); ++i) {
            const auto& row = prog.strategies[s].rows[i];
            if (only_varying && row.level == kConstant) continue;
            build_row(s, static_cast<int>(i), t);
        }
    }

    void build_rewards(std::size_t s, bool only_varying) {
        const auto& sp = prog.strategies[s];
        auto& R = work[s].reward;
        for (std::size_t i = 0; i < prog.state_names.size(); ++i) {
            if (only_varying && sp.reward_level[i] == kConstant) continue;
            const int L = prog.tunnel_length[i];
            const bool per_position = sp.reward_level[i] >= kPerStateTime;
            for (int k = 0; k < L; ++k) {
                const int e = prog.first_expanded[i] + k;
                if (k > 0 && !per_position) {
                    R.row(e) = R.row(e - 1);
                    continue;
                }
                if (per_position) set_state_time(k);
                for (std::size_t c = 0; c < sp.state_reward[i].size(); ++c) {
                    const int id = sp.state_reward[i][c];
                    R(e, static_cast<Eigen::Index>(c)) = id < 0 ? 0.0 : eval(id);
                }
            }
            if (per_position) set_state_time(0);
        }
    }

    void init_strategy(std::size_t s) {
        const auto& sp = prog.strategies[s];
        auto& w = work[s];
        const auto n_cat = static_cast<Eigen::Index>(prog.categories.size() + 1);
        w.P.setZero(prog.n_expanded, static_cast<Eigen::Index>(prog.state_names.size()));
        w.reward.setZero(prog.n_expanded, n_cat);
        w.m.setZero(prog.n_expanded);
        w.next.setZero(prog.n_expanded);
        w.flow_reward.setZero(n_cat);
        double total = 0.0;
        for (std::size_t i = 0; i < sp.initial.size(); ++i) {
            if (sp.initial[i] < 0) continue;
            const double x = eval(sp.initial[i]);
            if (x < 0.0 || x > 1.0)
                throw ModelError(prog.exprs[sp.initial[i]].context + ": the share is " +
                                 value_text(x) + ". Initial shares must lie in [0, 1]");
            w.m[prog.first_expanded[i]] = x;
            total += x;
        }
        if (std::abs(total - 1.0) > kRowTolerance)
            throw ModelError("strategy '" + sp.name + "': the initial shares sum to " +
                             value_text(total) +
                             ", not 1. Make the initial column (or initial.csv) sum to 1");
        build_rows(s, 0, false);
        build_rewards(s, false);
        // Cycle point 0 counts the initial occupancy as flows i -> i (DARTH convention), so
        // only rewards on staying in a state can apply.
        for (const auto& tr : sp.transition_rewards) {
            if (tr.from != tr.to) continue;
            for (int k = 0; k < prog.tunnel_length[tr.from]; ++k)
                w.flow_reward[static_cast<Eigen::Index>(tr.category)] +=
                    w.m[prog.first_expanded[tr.from] + k] * eval(tr.expr);
        }
    }

    /// Move the cohort of strategy s from point t to t+1 and collect one-off rewards on the way.
    void step(std::size_t s) {
        auto& w = work[s];
        const auto& sp = prog.strategies[s];
        w.flow_reward.setZero();
        for (const auto& tr : sp.transition_rewards) {
            const bool per_position = prog.exprs[tr.expr].level >= kPerStateTime;
            double value = per_position ? 0.0 : eval(tr.expr);
            for (int k = 0; k < prog.tunnel_length[tr.from]; ++k) {
                const int e = prog.first_expanded[tr.from] + k;
                if (per_position) {
                    set_state_time(k);
                    value = eval(tr.expr);
                }
                w.flow_reward[static_cast<Eigen::Index>(tr.category)] +=
                    w.m[e] * w.P(e, tr.to) * value;
            }
            if (per_position) set_state_time(0);
        }
        if (!prog.has_tunnels) {
            w.next.noalias() = w.P.transpose() * w.m;
        } else {
            w.next.setZero();
            const auto n_states = static_cast<int>(prog.state_names.size());
            for (int e = 0; e < prog.n_expanded; ++e) {
                const double mass = w.m[e];
                if (mass == 0.0) continue;
                const int i = prog.expanded_state[e];
                for (int j = 0; j < n_states; ++j) {
                    const double p = w.P(e, j);
                    if (p == 0.0) continue;
                    const int dest =
                        j == i ? prog.first_expanded[i] +
                                     std::min(prog.expanded_pos[e] + 1, prog.tunnel_length[i] - 1)
                               : prog.first_expanded[j];
                    w.next[dest] += mass * p;
                }
            }
        }
        w.m.swap(w.next);
    }

    void run(const double* ov, const EvaluateOptions& opt, Outcomes& out) {
        overrides = ov;
        const int n = prog.spec.settings.n_cycles;
        const double cl = prog.spec.settings.cycle_length;
        const std::size_t n_strat = prog.strategies.size();
        const std::size_t n_cost = prog.categories.size();
        const auto u = static_cast<Eigen::Index>(prog.utility_index());

        out.states = prog.state_names;
        out.categories = prog.categories;
        out.correction_weights = prog.weights;
        out.cost_discount = prog.cost_discount;
        out.outcome_discount = prog.outcome_discount;
        out.strategies.resize(n_strat);

        set_time(0);
        eval_parameters(kConstant);
        for (std::size_t s = 0; s < n_strat; ++s) {
            auto& o = out.strategies[s];
            o.strategy = prog.strategy_names[s];
            o.costs.assign(n_cost, 0.0);
            o.costs_undiscounted.assign(n_cost, 0.0);
            o.qalys = o.qalys_undiscounted = o.life_years = o.life_years_undiscounted = 0.0;
            const auto rows = opt.keep_trace ? n + 1 : 0;
            o.trace.setZero(rows, static_cast<Eigen::Index>(prog.state_names.size()));
            const auto crow = opt.keep_cycles ? n + 1 : 0;
            o.cycle_costs.setZero(crow, static_cast<Eigen::Index>(n_cost));
            o.cycle_qalys.setZero(crow);
            o.cycle_life_years.setZero(crow);
            init_strategy(s);
        }

        Eigen::VectorXd per_point(static_cast<Eigen::Index>(n_cost + 1));
        for (int t = 0; t <= n; ++t) {
            if (t > 0) {
                set_time(t);
                if (prog.has_time_varying_parameters) eval_parameters(kPerCycle);
            }
            const double w = prog.weights[t];
            const double dc = prog.cost_discount[t];
            const double de = prog.outcome_discount[t];
            for (std::size_t s = 0; s < n_strat; ++s) {
                auto& wk = work[s];
                auto& o = out.strategies[s];
                if (t > 0) build_rewards(s, true);
                per_point.noalias() = wk.reward.transpose() * wk.m;
                per_point *= cl;
                per_point += wk.flow_reward;
                double alive = 0.0;
                for (int e = 0; e < prog.n_expanded; ++e)
                    if (prog.alive[prog.expanded_state[e]]) alive += wk.m[e];
                alive *= cl;
                for (std::size_t c = 0; c < n_cost; ++c) {
                    const double x = per_point[static_cast<Eigen::Index>(c)];
                    o.costs[c] += w * dc * x;
                    o.costs_undiscounted[c] += w * x;
                }
                o.qalys += w * de * per_point[u];
                o.qalys_undiscounted += w * per_point[u];
                o.life_years += w * de * alive;
                o.life_years_undiscounted += w * alive;
                if (opt.keep_trace) {
                    for (int e = 0; e < prog.n_expanded; ++e)
                        o.trace(t, prog.expanded_state[e]) += wk.m[e];
                }
                if (opt.keep_cycles) {
                    for (std::size_t c = 0; c < n_cost; ++c)
                        o.cycle_costs(t, static_cast<Eigen::Index>(c)) =
                            per_point[static_cast<Eigen::Index>(c)];
                    o.cycle_qalys[t] = per_point[u];
                    o.cycle_life_years[t] = alive;
                }
                if (t < n) {
                    if (t > 0) build_rows(s, t, true);
                    step(s);
                }
            }
        }
        overrides = nullptr;
    }

    void prepare(int cycle, const double* ov) {
        overrides = ov;
        if (cycle < 0 || cycle > prog.spec.settings.n_cycles)
            throw ModelError("cycle " + std::to_string(cycle) + " is outside the model (0 to " +
                             std::to_string(prog.spec.settings.n_cycles) + ")");
        set_time(cycle);
        eval_parameters(kConstant);
    }
};

Evaluator::Evaluator(const CompiledModel& model) : impl_(std::make_unique<Impl>(model)) {}
Evaluator::~Evaluator() = default;

void Evaluator::run(const double* overrides, const EvaluateOptions& options, Outcomes& out) {
    impl_->run(overrides, options, out);
}

Eigen::MatrixXd Evaluator::transition_matrix(int strategy, int cycle, const double* overrides) {
    impl_->prepare(cycle, overrides);
    const auto s = static_cast<std::size_t>(strategy);
    auto& w = impl_->work[s];
    w.P.setZero(impl_->prog.n_expanded,
                static_cast<Eigen::Index>(impl_->prog.state_names.size()));
    impl_->build_rows(s, cycle, false);
    impl_->overrides = nullptr;
    return w.P;
}

std::vector<double> Evaluator::parameter_values(int cycle, const double* overrides) {
    impl_->prepare(cycle, overrides);
    impl_->overrides = nullptr;
    return std::vector<double>(impl_->vars, impl_->vars + impl_->prog.n_parameters);
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

const ModelSpec& CompiledModel::spec() const { return program_->spec; }
const std::vector<std::string>& CompiledModel::parameter_names() const {
    return program_->parameter_names;
}
const std::vector<std::string>& CompiledModel::strategy_names() const {
    return program_->strategy_names;
}
const std::vector<std::string>& CompiledModel::state_names() const {
    return program_->state_names;
}
const std::vector<std::string>& CompiledModel::cost_categories() const {
    return program_->categories;
}
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

std::vector<double> CompiledModel::override_vector(
    const std::map<std::string, double>& overrides) const {
    const auto& names = program_->parameter_names;
    std::vector<double> v(names.size(), std::numeric_limits<double>::quiet_NaN());
    for (const auto& [name, value] : overrides) {
        const auto it = std::find(names.begin(), names.end(), name);
        if (it == names.end())
            throw ModelError("unknown parameter '" + name + "'" + did_you_mean(name, names) +
                             ". Only parameters of the model can be overridden");
        if (std::isnan(value))
            throw ModelError("parameter '" + name + "' cannot be set to NaN");
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
