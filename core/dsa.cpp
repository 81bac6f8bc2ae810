#include "parity/dsa.hpp"

#include <algorithm>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <set>
#include <sstream>

#include "parity/distributions.hpp"
#include "parity/errors.hpp"
#include "parity/text.hpp"

namespace parity {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Sensitivity analyses need totals only; keeping traces would cost memory on every run.
const EvaluateOptions kTotalsOnly{false, false};

// ---- text ------------------------------------------------------------------------------------

/// A value for a sentence: six significant digits (the exact value is in the result).
std::string short_number(double x) {
    std::ostringstream os;
    os.precision(6);
    os << x;
    return os.str();
}

/// A willingness to pay as people write it: 20,000.
std::string amount(double x) {
    if (!(std::abs(x) < 1e15) || x != std::floor(x)) return format_double(x);
    std::string digits = std::to_string(static_cast<long long>(std::abs(x)));
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
        digits.insert(static_cast<std::size_t>(i), ",");
    return (x < 0 ? "-" : "") + digits;
}

/// 0.025 -> "2.5th", 0.01 -> "1st", 0.975 -> "97.5th".
std::string percentile_name(double p) {
    std::ostringstream os;
    os.precision(10);
    os << 100.0 * p;
    const std::string s = os.str();
    const double v = 100.0 * p;
    if (v != std::round(v) || s.find('e') != std::string::npos) return s + "th";
    const long n = std::lround(v);
    if (n % 100 >= 11 && n % 100 <= 13) return s + "th";
    switch (n % 10) {
        case 1: return s + "st";
        case 2: return s + "nd";
        case 3: return s + "rd";
        default: return s + "th";
    }
}

// ---- validation ------------------------------------------------------------------------------

/// Index of a parameter an analysis may set: known and constant over time.
std::size_t parameter_index(const CompiledModel& model, const std::string& name,
                            const std::string& context) {
    const auto& names = model.parameter_names();
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end())
        throw ModelError("unknown parameter '" + name + "' in the " + context +
                         did_you_mean(name, names) +
                         ". Use the name of a parameter of the model (parameters.csv)");
    // One fixed value would silently flatten the parameter's course over time.
    if (model.parameter_varies_with_time(name))
        throw ModelError("parameter '" + name +
                         "' varies with time (it uses cycle, time, age or "
                         "state_time, directly or through other parameters), so the " +
                         context +
                         " cannot set it to one value. Vary the inputs it is computed from "
                         "instead");
    return static_cast<std::size_t>(it - names.begin());
}

void check_finite(double value, const std::string& what, const std::string& context) {
    if (!std::isfinite(value))
        throw ModelError("the " + context + " was given " + what + " = " + format_double(value) +
                         ". Give finite numbers");
}

void check_range(double low, double high, const std::string& parameter,
                 const std::string& context) {
    check_finite(low, "the low value of '" + parameter + "'", context);
    check_finite(high, "the high value of '" + parameter + "'", context);
    if (!(low < high))
        throw ModelError("the " + context + " range of '" + parameter + "' is [" +
                         format_double(low) + ", " + format_double(high) +
                         "]: low must be below high. Swap or widen the bounds");
}

void check_values(const std::vector<double>& values, const std::string& parameter,
                  const std::string& context) {
    if (values.empty())
        throw ModelError("the " + context + " was given no values of '" + parameter +
                         "'. Give at least one value");
    for (double v : values) check_finite(v, "a value of '" + parameter + "'", context);
}

/// The strategies a DsaOutcome names, as indices into `strategies` (comparator -1: none).
struct Resolved {
    int strategy = 0;
    int comparator = -1;
};

bool needs_comparator(DsaMeasure m) {
    return m == DsaMeasure::incremental_net_monetary_benefit || m == DsaMeasure::icer;
}

int strategy_index(const std::vector<std::string>& strategies, const std::string& name,
                   const std::string& role) {
    const auto it = std::find(strategies.begin(), strategies.end(), name);
    if (it == strategies.end())
        throw ModelError("unknown " + role + " '" + name + "'" + did_you_mean(name, strategies) +
                         ". The model's strategies are " + join(strategies, ", "));
    return static_cast<int>(it - strategies.begin());
}

void check_wtp(double wtp) {
    if (!(std::isfinite(wtp) && wtp >= 0))
        throw ModelError("willingness to pay is " + format_double(wtp) +
                         ". Give a finite amount per QALY, 0 or more");
}

Resolved resolve(const std::vector<std::string>& strategies, const DsaOutcome& what) {
    check_wtp(what.wtp);
    Resolved r;
    if (what.strategy.empty()) {
        if (strategies.size() != 1)
            throw ModelError("the measure '" + to_string(what.measure) +
                             "' needs a strategy, and the model has several. Name one of " +
                             join(strategies, ", "));
    } else {
        r.strategy = strategy_index(strategies, what.strategy, "strategy");
    }
    if (what.comparator.empty()) {
        if (needs_comparator(what.measure))
            throw ModelError("the measure '" + to_string(what.measure) +
                             "' compares two strategies but no comparator was given. Name the "
                             "comparator, one of " +
                             join(strategies, ", "));
        return r;
    }
    r.comparator = strategy_index(strategies, what.comparator, "comparator");
    if (r.comparator == r.strategy)
        throw ModelError("strategy and comparator are both '" + strategies[r.strategy] +
                         "'. Compare two different strategies");
    return r;
}

// ---- measures --------------------------------------------------------------------------------

double nmb(const StrategyOutcomes& s, double wtp) { return wtp * s.qalys - s.total_cost(); }

double strategy_value(const StrategyOutcomes& s, DsaMeasure m, double wtp) {
    switch (m) {
        case DsaMeasure::cost: return s.total_cost();
        case DsaMeasure::qalys: return s.qalys;
        case DsaMeasure::life_years: return s.life_years;
        default: return nmb(s, wtp);  // both net-benefit measures
    }
}

double value_of(const Outcomes& out, const Resolved& r, DsaMeasure m, double wtp) {
    const auto& s = out.strategies[static_cast<std::size_t>(r.strategy)];
    if (r.comparator < 0) return strategy_value(s, m, wtp);
    const auto& c = out.strategies[static_cast<std::size_t>(r.comparator)];
    if (m == DsaMeasure::icer) return (s.total_cost() - c.total_cost()) / (s.qalys - c.qalys);
    return strategy_value(s, m, wtp) - strategy_value(c, m, wtp);
}

/// Index of the strategy with the highest NMB; ties go to the first, as in net_benefit_table.
int optimal_strategy(const Outcomes& out, double wtp) {
    int best = 0;
    for (std::size_t s = 1; s < out.strategies.size(); ++s)
        if (nmb(out.strategies[s], wtp) > nmb(out.strategies[static_cast<std::size_t>(best)], wtp))
            best = static_cast<int>(s);
    return best;
}

// ---- running the model -----------------------------------------------------------------------

/// Reruns one model with some parameters set, reusing one evaluator (building one parses every
/// expression, which costs far more than a run).
class Runner {
public:
    explicit Runner(const CompiledModel& model)
        : model_(model), ev_(model), overrides_(model.parameter_names().size(), kNaN) {}

    const Outcomes& base() { return run(); }

    const Outcomes& with(std::size_t i, double v) {
        overrides_[i] = v;
        return run();
    }

    const Outcomes& with(std::size_t i, double v, std::size_t j, double w) {
        overrides_[i] = v;
        overrides_[j] = w;
        return run();
    }

    const Outcomes& with(const std::vector<double>& overrides) {
        overrides_ = overrides;
        return run();
    }

private:
    const Outcomes& run() {
        try {
            ev_.run(overrides_.data(), kTotalsOnly, out_);
        } catch (const Error& e) {
            // Say which values broke the model: the engine's message cannot know.
            throw ModelError("the model cannot be run with " + setting() + ": " + e.what());
        }
        std::fill(overrides_.begin(), overrides_.end(), kNaN);
        return out_;
    }

    std::string setting() const {
        std::vector<std::string> parts;
        for (std::size_t i = 0; i < overrides_.size(); ++i)
            if (!std::isnan(overrides_[i]))
                parts.push_back(model_.parameter_names()[i] + " = " + format_double(overrides_[i]));
        return parts.empty() ? "its base-case values" : join(parts, ", ");
    }

    const CompiledModel& model_;
    Evaluator ev_;
    std::vector<double> overrides_;
    Outcomes out_;
};

std::vector<double> net_benefits(const Outcomes& out, double wtp) {
    std::vector<double> v;
    v.reserve(out.strategies.size());
    for (const auto& s : out.strategies) v.push_back(nmb(s, wtp));
    return v;
}

// ---- thresholds ------------------------------------------------------------------------------

/// A root of g in [lo, hi], where g(lo) and g(hi) have opposite signs (or one is 0), to about
/// 1e-12 of the root (absolute 1e-14 of the scanned width near 0).
double solve_root(const std::function<double(double)>& g, double lo, double hi, double glo,
                  double ghi, double width) {
    if (glo == 0) return lo;
    if (ghi == 0) return hi;
    if (!((glo < 0 && ghi > 0) || (glo > 0 && ghi < 0)))
        throw ModelError("the threshold search met values without a sign change (" +
                         format_double(glo) + ", " + format_double(ghi) +
                         "); check that the model gives finite costs and QALYs over the range");
    auto close = [width](double a, double b) {
        return std::abs(b - a) <= 1e-12 * std::max(std::abs(a), std::abs(b)) ||
               std::abs(b - a) <= 1e-14 * width;
    };
    boost::uintmax_t max_iter = 200;
    try {
        const auto r = boost::math::tools::toms748_solve(g, lo, hi, glo, ghi, close, max_iter);
        return 0.5 * (r.first + r.second);
    } catch (const boost::math::evaluation_error& e) {
        // Only a NaN from the model can get here; say so in parity's terms.
        throw ModelError(std::string("the threshold search failed between ") + format_double(lo) +
                         " and " + format_double(hi) + ": " + e.what() +
                         ". Check that the model gives finite costs and QALYs over the range");
    }
}

/// Scan points: low, ..., high, equally spaced, the ends exact.
std::vector<double> scan_grid(double low, double high, int n) {
    std::vector<double> v(static_cast<std::size_t>(n));
    for (int k = 0; k < n; ++k) v[static_cast<std::size_t>(k)] = low + (high - low) * k / (n - 1);
    v.back() = high;
    return v;
}

/// Threshold search for one analysis: keeps the runner, the parameter and the wording.
class ThresholdSearch {
public:
    ThresholdSearch(const CompiledModel& model, std::size_t index, double low, double high,
                    const DsaOutcome& what, const Resolved& r)
        : model_(model), run_(model), index_(index), width_(high - low), what_(what), r_(r) {}

    /// Where the incremental NMB of strategy vs comparator changes sign.
    std::vector<Threshold> pairwise(const std::vector<double>& grid) {
        std::vector<Threshold> found;
        auto f = [this](double x) { return incremental_nmb(x); };
        std::vector<double> fv;
        for (double x : grid) fv.push_back(f(x));
        // Walk over the non-zero values: a scan point where f is exactly 0 between a sign
        // change is the root itself.
        std::size_t last = fv.size();
        for (std::size_t i = 0; i < fv.size(); ++i) {
            if (fv[i] == 0) continue;
            if (last < fv.size() && (fv[last] < 0) != (fv[i] < 0)) {
                const double root =
                    last + 1 == i ? solve_root(f, grid[last], grid[i], fv[last], fv[i], width_)
                                  : grid[last + 1];
                found.push_back(pairwise_threshold(root, fv[last] > 0));
            }
            last = i;
        }
        return found;
    }

    /// Where the strategy with the highest NMB changes.
    std::vector<Threshold> preferred(const std::vector<double>& grid) {
        std::vector<Threshold> found;
        std::vector<int> best;
        for (double x : grid) best.push_back(optimal_strategy(run_.with(index_, x), what_.wtp));
        for (std::size_t i = 0; i + 1 < grid.size(); ++i)
            if (best[i] != best[i + 1])
                split(grid[i], grid[i + 1], best[i], best[i + 1], found,
                      static_cast<int>(model_.strategy_names().size()));
        return found;
    }

private:
    double incremental_nmb(double x) {
        const auto& out = run_.with(index_, x);
        return nmb(out.strategies[static_cast<std::size_t>(r_.strategy)], what_.wtp) -
               nmb(out.strategies[static_cast<std::size_t>(r_.comparator)], what_.wtp);
    }

    double nmb_difference(double x, int a, int b) {
        const auto v = net_benefits(run_.with(index_, x), what_.wtp);
        return v[static_cast<std::size_t>(b)] - v[static_cast<std::size_t>(a)];
    }

    /// `a` is preferred at lo and `b` at hi. Solve NMB_b = NMB_a; if a third strategy beats both
    /// there, the decision changes twice in [lo, hi]: split at the root and search each side.
    void split(double lo, double hi, int a, int b, std::vector<Threshold>& found, int depth) {
        auto g = [this, a, b](double x) { return nmb_difference(x, a, b); };
        const double root = solve_root(g, lo, hi, g(lo), g(hi), width_);
        const auto v = net_benefits(run_.with(index_, root), what_.wtp);
        const int c = static_cast<int>(std::max_element(v.begin(), v.end()) - v.begin());
        const double tie = std::max(v[static_cast<std::size_t>(a)], v[static_cast<std::size_t>(b)]);
        const double tolerance = 1e-9 * std::max(1.0, std::abs(tie));
        if (depth > 0 && c != a && c != b && v[static_cast<std::size_t>(c)] > tie + tolerance) {
            split(lo, root, a, c, found, depth - 1);
            split(root, hi, c, b, found, depth - 1);
            return;
        }
        found.push_back(preferred_threshold(root, a, b));
    }

    Threshold pairwise_threshold(double root, bool strategy_below) {
        const auto& names = model_.strategy_names();
        const std::string& s = names[static_cast<std::size_t>(r_.strategy)];
        const std::string& c = names[static_cast<std::size_t>(r_.comparator)];
        Threshold t;
        t.value = root;
        t.below = strategy_below ? s : c;
        t.above = strategy_below ? c : s;
        const auto& out = run_.with(index_, root);
        const double d_effect = out.strategies[static_cast<std::size_t>(r_.strategy)].qalys -
                                out.strategies[static_cast<std::size_t>(r_.comparator)].qalys;
        std::string icer;
        if (d_effect != 0)
            icer =
                " (the ICER of " + s + " vs " + c + " equals " + amount(what_.wtp) + " per QALY)";
        t.description = "at " + parameter() + " = " + short_number(root) +
                        " the incremental NMB of " + s + " vs " + c + " at " + amount(what_.wtp) +
                        " per QALY is 0" + icer + ": below it " + t.below +
                        " is preferred, above it " + t.above;
        return t;
    }

    Threshold preferred_threshold(double root, int a, int b) {
        const auto& names = model_.strategy_names();
        Threshold t;
        t.value = root;
        t.below = names[static_cast<std::size_t>(a)];
        t.above = names[static_cast<std::size_t>(b)];
        t.description = "at " + parameter() + " = " + short_number(root) + " " + t.below + " and " +
                        t.above + " have the same NMB at " + amount(what_.wtp) +
                        " per QALY: below it " + t.below + " has the highest NMB, above it " +
                        t.above;
        return t;
    }

    const std::string& parameter() const { return model_.parameter_names()[index_]; }

    const CompiledModel& model_;
    Runner run_;
    std::size_t index_;
    double width_;
    DsaOutcome what_;
    Resolved r_;
};

// ---- parameter ranges ------------------------------------------------------------------------

/// The distribution range of one parameter, or nothing when it has no univariate distribution.
bool distribution_range(const CompiledModel& model, const Parameter& p, double base, double lower,
                        double upper, ParameterRange& range) {
    if (trim(p.distribution).empty()) return false;
    const Distribution d =
        parse_distribution(p.distribution, p.distribution_parameters, base, p.name, p.where);
    if (!d.sampled() || d.grouped()) return false;
    if (model.parameter_varies_with_time(p.name))
        throw ModelError(format_error(
            p.where, "parameter '" + p.name + "' varies with time and has a distribution",
            "Give the distribution to the inputs it is computed from instead"));
    range = {
        p.name, d.quantile(lower), d.quantile(upper),
        percentile_name(lower) + "-" + percentile_name(upper) + " percentile of " + d.describe()};
    return true;
}

/// The given ranges by parameter, checked.
std::map<std::string, ParameterRange> given_ranges(const CompiledModel& model,
                                                   const std::vector<ParameterRange>& given) {
    std::map<std::string, ParameterRange> out;
    for (const auto& g : given) {
        parameter_index(model, g.parameter, "given ranges");
        check_range(g.low, g.high, g.parameter, "given");
        ParameterRange r = g;
        if (trim(r.basis).empty()) r.basis = "given bounds";
        if (!out.emplace(g.parameter, r).second)
            throw ModelError("parameter '" + g.parameter +
                             "' has two given ranges. Give one range per parameter");
    }
    return out;
}

}  // namespace

// ---- public ----------------------------------------------------------------------------------

std::string to_string(DsaMeasure measure) {
    switch (measure) {
        case DsaMeasure::net_monetary_benefit: return "net_monetary_benefit";
        case DsaMeasure::incremental_net_monetary_benefit:
            return "incremental_net_monetary_benefit";
        case DsaMeasure::icer: return "icer";
        case DsaMeasure::cost: return "cost";
        case DsaMeasure::qalys: return "qalys";
        case DsaMeasure::life_years: return "life_years";
    }
    return "unknown";
}

DsaMeasure parse_dsa_measure(const std::string& name) {
    const std::vector<DsaMeasure> all = {DsaMeasure::net_monetary_benefit,
                                         DsaMeasure::incremental_net_monetary_benefit,
                                         DsaMeasure::icer,
                                         DsaMeasure::cost,
                                         DsaMeasure::qalys,
                                         DsaMeasure::life_years};
    std::vector<std::string> names;
    for (auto m : all) {
        if (to_string(m) == name) return m;
        names.push_back(to_string(m));
    }
    throw ModelError("unknown sensitivity-analysis measure '" + name + "'" +
                     did_you_mean(name, names) + ". Use one of " + join(names, ", "));
}

double measure(const Outcomes& out, const DsaOutcome& what) {
    std::vector<std::string> names;
    for (const auto& s : out.strategies) names.push_back(s.strategy);
    return value_of(out, resolve(names, what), what.measure, what.wtp);
}

std::string describe(const DsaOutcome& what) {
    const bool vs = !what.comparator.empty();
    std::string of;
    if (!what.strategy.empty()) of = " of " + what.strategy;
    if (vs) of += " vs " + what.comparator;
    const std::string at = " at " + amount(what.wtp) + " per QALY";
    const std::string incremental = vs ? "incremental " : "";
    switch (what.measure) {
        case DsaMeasure::net_monetary_benefit: return incremental + "NMB" + of + at;
        case DsaMeasure::incremental_net_monetary_benefit: return "incremental NMB" + of + at;
        case DsaMeasure::icer: return "ICER" + of;
        case DsaMeasure::cost: return incremental + "cost" + of;
        case DsaMeasure::qalys: return incremental + "QALYs" + of;
        case DsaMeasure::life_years: return incremental + "life-years" + of;
    }
    return to_string(what.measure);
}

std::vector<ParameterRange> parameter_ranges(const CompiledModel& model, double lower_percentile,
                                             double upper_percentile,
                                             const std::vector<ParameterRange>& given) {
    // The ends 0 and 1 are excluded: they are infinite for normal, gamma and lognormal.
    if (!(lower_percentile > 0 && lower_percentile < upper_percentile && upper_percentile < 1))
        throw ModelError("percentiles " + format_double(lower_percentile) + " and " +
                         format_double(upper_percentile) +
                         " do not make a range. Give 0 < lower < upper < 1, e.g. 0.025 and 0.975");
    const auto by_name = given_ranges(model, given);
    const auto base = model.parameter_values(0);
    std::vector<ParameterRange> out;
    for (const auto& p : model.spec().parameters) {
        const auto g = by_name.find(p.name);
        ParameterRange r;
        if (g != by_name.end())
            out.push_back(g->second);
        else if (distribution_range(model, p, base.at(p.name), lower_percentile, upper_percentile,
                                    r))
            out.push_back(r);
    }
    return out;
}

std::vector<TornadoBar> tornado(const CompiledModel& model,
                                const std::vector<ParameterRange>& ranges, const DsaOutcome& what) {
    if (ranges.empty())
        throw ModelError(
            "a tornado diagram needs at least one parameter range. Give ranges, or "
            "fill the distribution columns of parameters.csv and use "
            "parameter_ranges()");
    const Resolved r = resolve(model.strategy_names(), what);
    std::vector<std::size_t> index;
    std::set<std::string> seen;
    for (const auto& range : ranges) {
        index.push_back(parameter_index(model, range.parameter, "tornado diagram"));
        check_range(range.low, range.high, range.parameter, "tornado diagram");
        if (!seen.insert(range.parameter).second)
            throw ModelError("parameter '" + range.parameter +
                             "' has two ranges in the tornado diagram. Give one range per "
                             "parameter");
    }
    Runner run(model);
    const double base_outcome = value_of(run.base(), r, what.measure, what.wtp);
    const auto base_values = model.parameter_values(0);
    std::vector<TornadoBar> bars;
    for (std::size_t k = 0; k < ranges.size(); ++k) {
        const auto& range = ranges[k];
        TornadoBar bar;
        bar.parameter = range.parameter;
        bar.low = range.low;
        bar.high = range.high;
        bar.base_value = base_values.at(range.parameter);
        bar.outcome_low = value_of(run.with(index[k], range.low), r, what.measure, what.wtp);
        bar.outcome_high = value_of(run.with(index[k], range.high), r, what.measure, what.wtp);
        bar.base_outcome = base_outcome;
        bar.swing = std::abs(bar.outcome_high - bar.outcome_low);
        bar.basis = range.basis;
        bars.push_back(bar);
    }
    // NaN swings (an ICER with no QALY difference) go last so the order stays a strict one.
    std::stable_sort(bars.begin(), bars.end(), [](const TornadoBar& a, const TornadoBar& b) {
        if (std::isnan(a.swing) || std::isnan(b.swing))
            return !std::isnan(a.swing) && std::isnan(b.swing);
        return a.swing > b.swing;
    });
    return bars;
}

OneWayCurve one_way(const CompiledModel& model, const std::string& parameter,
                    const std::vector<double>& values, const DsaOutcome& what) {
    const std::size_t i = parameter_index(model, parameter, "one-way analysis");
    check_values(values, parameter, "one-way analysis");
    const Resolved r = resolve(model.strategy_names(), what);
    OneWayCurve curve;
    curve.parameter = parameter;
    curve.values = values;
    curve.strategies = model.strategy_names();
    curve.net_monetary_benefit.assign(curve.strategies.size(), {});
    Runner run(model);
    for (double v : values) {
        const auto& out = run.with(i, v);
        const auto nmbs = net_benefits(out, what.wtp);
        for (std::size_t s = 0; s < nmbs.size(); ++s)
            curve.net_monetary_benefit[s].push_back(nmbs[s]);
        curve.outcome.push_back(value_of(out, r, what.measure, what.wtp));
        curve.optimal.push_back(optimal_strategy(out, what.wtp));
    }
    return curve;
}

TwoWayGrid two_way(const CompiledModel& model, const std::string& parameter_x,
                   const std::vector<double>& x, const std::string& parameter_y,
                   const std::vector<double>& y, const DsaOutcome& what) {
    const std::size_t ix = parameter_index(model, parameter_x, "two-way analysis");
    const std::size_t iy = parameter_index(model, parameter_y, "two-way analysis");
    if (ix == iy)
        throw ModelError("the two-way analysis varies '" + parameter_x +
                         "' on both axes. Choose two different parameters");
    check_values(x, parameter_x, "two-way analysis");
    check_values(y, parameter_y, "two-way analysis");
    const Resolved r = resolve(model.strategy_names(), what);
    TwoWayGrid grid;
    grid.parameter_x = parameter_x;
    grid.parameter_y = parameter_y;
    grid.x = x;
    grid.y = y;
    grid.strategies = model.strategy_names();
    grid.outcome.reserve(x.size() * y.size());
    grid.optimal.reserve(x.size() * y.size());
    Runner run(model);
    for (double vy : y)
        for (double vx : x) {
            const auto& out = run.with(ix, vx, iy, vy);
            grid.outcome.push_back(value_of(out, r, what.measure, what.wtp));
            grid.optimal.push_back(optimal_strategy(out, what.wtp));
        }
    return grid;
}

std::vector<Threshold> thresholds(const CompiledModel& model, const std::string& parameter,
                                  double low, double high, const DsaOutcome& what,
                                  int scan_points) {
    const std::size_t i = parameter_index(model, parameter, "threshold analysis");
    check_range(low, high, parameter, "threshold analysis");
    if (scan_points < 3)
        throw ModelError("the threshold analysis needs at least 3 scan points (got " +
                         std::to_string(scan_points) + "). Use the default 101 or more");
    const bool pairwise = needs_comparator(what.measure) && !what.comparator.empty();
    Resolved r;
    if (pairwise) {
        r = resolve(model.strategy_names(), what);
    } else {
        // Every strategy competes: the names, if given, are only checked for typos.
        check_wtp(what.wtp);
        if (!what.strategy.empty())
            strategy_index(model.strategy_names(), what.strategy, "strategy");
        if (!what.comparator.empty())
            strategy_index(model.strategy_names(), what.comparator, "comparator");
    }
    ThresholdSearch search(model, i, low, high, what, r);
    const auto grid = scan_grid(low, high, scan_points);
    return pairwise ? search.pairwise(grid) : search.preferred(grid);
}

std::vector<ScenarioResult> run_scenarios(const CompiledModel& model,
                                          const std::vector<Scenario>& scenarios) {
    std::set<std::string> names;
    std::vector<std::vector<double>> overrides;
    // Check every scenario before running any, so a typo in the last one costs nothing.
    for (const auto& s : scenarios) {
        if (trim(s.name).empty()) throw ModelError("a scenario has no name. Name every scenario");
        if (s.name == kBaseCase)
            throw ModelError("a scenario is named '" + kBaseCase +
                             "', the name of the model's own values. Choose another name");
        if (!names.insert(s.name).second)
            throw ModelError("two scenarios are named '" + s.name + "'. Name each one differently");
        const std::string context = "scenario '" + s.name + "'";
        for (const auto& [name, value] : s.overrides) {
            parameter_index(model, name, context);
            check_finite(value, "'" + name + "'", context);
        }
        overrides.push_back(model.override_vector(s.overrides));
    }
    Runner run(model);
    std::vector<ScenarioResult> out;
    out.push_back({kBaseCase, "the model's own values", run.base()});
    for (std::size_t k = 0; k < scenarios.size(); ++k)
        out.push_back({scenarios[k].name, scenarios[k].description, run.with(overrides[k])});
    return out;
}

}  // namespace parity
