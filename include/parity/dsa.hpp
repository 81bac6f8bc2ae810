// Deterministic sensitivity analysis: one-way and two-way analyses, tornado diagrams, threshold
// values and scenarios. Every analysis sets some parameters to chosen values and reruns the
// cohort model; definitions, formulas and references are in
// docs/methods/deterministic-sensitivity.md.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "parity/cohort.hpp"

namespace parity {

/// What a sensitivity analysis reports. Costs, QALYs and life-years are the discounted totals.
enum class DsaMeasure {
    net_monetary_benefit,              // wtp * QALYs - cost
    incremental_net_monetary_benefit,  // NMB(strategy) - NMB(comparator)
    icer,                              // (cost - cost_c) / (QALYs - QALYs_c)
    cost,
    qalys,
    life_years
};

/// "net_monetary_benefit", "incremental_net_monetary_benefit", "icer", "cost", "qalys",
/// "life_years" (the enumerator names, so they round-trip through Python and CSV).
std::string to_string(DsaMeasure measure);
/// The inverse of to_string; ModelError naming the accepted names otherwise.
DsaMeasure parse_dsa_measure(const std::string& name);

/// The outcome an analysis follows.
///
/// - `strategy` may be left empty only when the model has a single strategy.
/// - `comparator` is required by incremental_net_monetary_benefit and icer. With cost, qalys,
///   life_years and net_monetary_benefit it is optional: when given, the measure is the
///   difference "strategy minus comparator" (incremental cost, incremental QALYs, ...).
/// - `wtp` (per QALY) is used by the net-benefit measures and, in every analysis, to pick the
///   strategy with the highest net monetary benefit.
struct DsaOutcome {
    DsaMeasure measure = DsaMeasure::incremental_net_monetary_benefit;
    std::string strategy;
    std::string comparator;
    double wtp = 20000;
};

/// The measure for one model run. Throws ModelError for an unknown strategy (with a
/// suggestion), a missing or identical comparator, or a wtp that is negative or not finite.
/// An ICER whose incremental QALYs are 0 is +-inf or NaN, as the ratio is.
double measure(const Outcomes& out, const DsaOutcome& what);

/// A plain-language name of the measure, e.g. "incremental NMB of B vs SoC at 20,000 per QALY",
/// for axis labels and messages.
std::string describe(const DsaOutcome& what);

/// The interval a one-way analysis varies a parameter over, and where it comes from.
struct ParameterRange {
    std::string parameter;
    double low = 0;
    double high = 0;
    /// e.g. "2.5th-97.5th percentile of gamma(shape=30, scale=0.005)" or "given bounds".
    std::string basis;
};

/// Ranges for one-way analyses, in the model's parameter order: the `lower_percentile` and
/// `upper_percentile` quantiles (0 < lower < upper < 1) of each parameter whose distribution
/// column holds a univariate distribution (fixed parameters and members of dirichlet or
/// multivariate-normal groups are left out). A range in `given` replaces the distribution's
/// range for its parameter, or adds one for a parameter without a distribution; a given range
/// with an empty basis reads "given bounds". Throws ModelError for a malformed distribution, an
/// unknown or time-varying parameter, a parameter given twice, or low >= high.
std::vector<ParameterRange> parameter_ranges(const CompiledModel& model,
                                             double lower_percentile = 0.025,
                                             double upper_percentile = 0.975,
                                             const std::vector<ParameterRange>& given = {});

/// One bar of a tornado diagram: the measure with the parameter at each end of its range, all
/// other parameters at their base-case values.
struct TornadoBar {
    std::string parameter;
    double low = 0;
    double high = 0;
    double base_value = 0;  // the parameter's base-case value
    double outcome_low = 0;
    double outcome_high = 0;
    double base_outcome = 0;
    double swing = 0;  // |outcome_high - outcome_low|
    std::string basis;
};

/// One-way analysis of each range. Bars are sorted by swing, largest first (ties keep the order
/// of `ranges`; a NaN swing goes last). Throws ModelError for no ranges, a parameter given
/// twice, or a range that parameter_ranges would reject.
std::vector<TornadoBar> tornado(const CompiledModel& model,
                                const std::vector<ParameterRange>& ranges, const DsaOutcome& what);

/// The model rerun at each value of one parameter.
struct OneWayCurve {
    std::string parameter;
    std::vector<double> values;
    std::vector<std::string> strategies;  // the model's strategies, in model order
    /// NMB at what.wtp, [strategy][point].
    std::vector<std::vector<double>> net_monetary_benefit;
    /// The measure `what`, [point].
    std::vector<double> outcome;
    /// Index into `strategies` of the strategy with the highest NMB at each point (ties: the
    /// first in model order).
    std::vector<int> optimal;
};

OneWayCurve one_way(const CompiledModel& model, const std::string& parameter,
                    const std::vector<double>& values, const DsaOutcome& what);

/// The model rerun at every pair of values of two parameters.
struct TwoWayGrid {
    std::string parameter_x;
    std::string parameter_y;
    std::vector<double> x;
    std::vector<double> y;
    std::vector<std::string> strategies;  // the model's strategies, in model order
    /// y-major: outcome[iy * x.size() + ix].
    std::vector<double> outcome;
    /// Same layout: index into `strategies` of the strategy with the highest NMB at what.wtp.
    std::vector<int> optimal;
};

TwoWayGrid two_way(const CompiledModel& model, const std::string& parameter_x,
                   const std::vector<double>& x, const std::string& parameter_y,
                   const std::vector<double>& y, const DsaOutcome& what);

/// A parameter value at which the decision changes.
struct Threshold {
    double value = 0;
    /// e.g. "at r_HS1 = 0.1823 the incremental NMB of B vs SoC at 20,000 per QALY is 0: below
    /// it SoC is preferred, above it B".
    std::string description;
    /// The strategy preferred just below and just above `value`.
    std::string below;
    std::string above;
};

/// Values of `parameter` in [low, high] at which the decision changes, in increasing order.
///
/// When what.measure is icer or incremental_net_monetary_benefit and what.comparator is given:
/// the values at which the incremental NMB of what.strategy vs what.comparator at what.wtp is 0
/// (where the ICER equals wtp). Otherwise: the values at which the strategy with the highest
/// NMB at what.wtp changes. `scan_points` equally spaced values bracket each change, which is
/// then refined by root finding (TOMS 748) to about 1e-12 of the value; two changes between
/// neighbouring scan points are missed, so scan more finely when the decision may flip back
/// quickly. Empty when there is no change in range. Throws ModelError for low >= high,
/// scan_points < 3, or an unknown or time-varying parameter.
std::vector<Threshold> thresholds(const CompiledModel& model, const std::string& parameter,
                                  double low, double high, const DsaOutcome& what,
                                  int scan_points = 101);

/// A named set of parameter values that replace the model's (for example "NHS price", "no
/// waning of effect").
struct Scenario {
    std::string name;
    std::map<std::string, double> overrides;
    std::string description;
};

struct ScenarioResult {
    std::string scenario;
    std::string description;
    /// Totals only: the trace and per-cycle rewards are not kept.
    Outcomes outcomes;
};

/// The name of the first result of run_scenarios.
inline const std::string kBaseCase = "base case";

/// The base case (named "base case") followed by each scenario in order. Throws ModelError for
/// an empty, repeated or reserved scenario name, or an unknown, time-varying or non-finite
/// override (naming the scenario).
std::vector<ScenarioResult> run_scenarios(const CompiledModel& model,
                                          const std::vector<Scenario>& scenarios);

}  // namespace parity
