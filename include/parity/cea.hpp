// Fully incremental cost-effectiveness analysis: dominance, extended dominance, ICERs along the
// efficient frontier, and net monetary / net health benefit. The rules and their sources are in
// docs/methods/cost-effectiveness.md; the reference behaviour is dampack's calculate_icers.
#pragma once

#include <string>
#include <vector>

namespace parity {

enum class DominanceStatus { frontier, dominated, extendedly_dominated };

/// "frontier", "dominated" or "extendedly_dominated" (the enumerator names, so they round-trip
/// through CSV and Python unchanged).
std::string to_string(DominanceStatus status);

/// One strategy of an incremental analysis. Incrementals are "this strategy minus comparator".
struct IcerRow {
    std::string strategy;
    double cost;
    double effect;
    DominanceStatus status;
    /// The previous (next cheaper) frontier strategy. Empty for the cheapest frontier strategy and
    /// for every dominated or extendedly dominated strategy.
    std::string comparator;
    double incremental_cost;    // NaN when comparator is empty
    double incremental_effect;  // NaN when comparator is empty
    double icer;                // NaN when comparator is empty
    /// Empty on the frontier; otherwise "dominated by X", "identical to X" or
    /// "extendedly dominated by X and Y" (X, Y: the frontier strategies bracketing it).
    std::string note;
};

/// Classify every strategy and compute ICERs along the efficient frontier.
///
/// Returns one row per strategy (none is dropped), sorted by cost ascending, then effect
/// descending, then input order. Throws ModelError when the three vectors differ in length, are
/// empty, a name is empty or repeated, or a cost or effect is not finite.
std::vector<IcerRow> incremental_analysis(const std::vector<std::string>& strategies,
                                          const std::vector<double>& costs,
                                          const std::vector<double>& effects);

/// wtp * effect - cost. Throws ModelError unless all inputs are finite and wtp >= 0.
double net_monetary_benefit(double cost, double effect, double wtp);

/// effect - cost / wtp. Same validation as net_monetary_benefit; at wtp == 0 the ratio is
/// undefined and the result is NaN (not an exception, so a willingness-to-pay grid may start at 0).
double net_health_benefit(double cost, double effect, double wtp);

struct NetBenefitRow {
    std::string strategy;
    double wtp;
    double nmb;
    double nhb;    // NaN when wtp == 0
    bool optimal;  // highest NMB at this wtp; ties go to the first strategy in input order
};

/// One row per (wtp, strategy): grouped by wtp in the given order, strategies in input order
/// within each group, so exactly one row per group has optimal == true. Validates strategies as
/// incremental_analysis does; every wtp must be finite and >= 0 and wtps must not be empty.
std::vector<NetBenefitRow> net_benefit_table(const std::vector<std::string>& strategies,
                                             const std::vector<double>& costs,
                                             const std::vector<double>& effects,
                                             const std::vector<double>& wtps);

}  // namespace parity
