#include "parity/cea.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <sstream>
#include <unordered_map>

#include "parity/errors.hpp"

namespace parity {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string number(double x) {
    std::ostringstream out;
    out << x;
    return out.str();
}

void check_finite(const std::string& caller, const std::string& what, double value) {
    if (std::isfinite(value)) return;
    throw ModelError(caller + ": " + what + " is " + number(value) +
                     ". Costs and effects must be finite numbers; check the model output that "
                     "produced it");
}

void validate_strategies(const std::string& caller, const std::vector<std::string>& strategies,
                         const std::vector<double>& costs, const std::vector<double>& effects) {
    if (strategies.size() != costs.size() || strategies.size() != effects.size()) {
        throw ModelError(caller + ": got " + std::to_string(strategies.size()) +
                         " strategy names, " + std::to_string(costs.size()) + " costs and " +
                         std::to_string(effects.size()) +
                         " effects. Pass exactly one cost and one effect per strategy, in the "
                         "same order as the names");
    }
    if (strategies.empty()) {
        throw ModelError(caller +
                         ": no strategies were given. Pass at least one strategy with "
                         "its cost and effect");
    }
    std::unordered_map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < strategies.size(); ++i) {
        const std::string& name = strategies[i];
        if (name.empty()) {
            throw ModelError(caller + ": strategy number " + std::to_string(i + 1) +
                             " (1-based) has an empty name. Give every strategy a name");
        }
        const auto [previous, inserted] = seen.emplace(name, i);
        if (!inserted) {
            throw ModelError(caller + ": strategy name '" + name + "' is used twice (numbers " +
                             std::to_string(previous->second + 1) + " and " +
                             std::to_string(i + 1) +
                             ", 1-based). Give every strategy a unique name");
        }
        check_finite(caller, "the cost of strategy '" + name + "'", costs[i]);
        check_finite(caller, "the effect of strategy '" + name + "'", effects[i]);
    }
}

void validate_wtp(const std::string& caller, double wtp) {
    if (std::isfinite(wtp) && wtp >= 0.0) return;
    throw ModelError(caller + ": willingness to pay is " + number(wtp) +
                     ". It must be a finite number >= 0 (money per unit of effect)");
}

// Input indices in report order. stable_sort keeps input order among exact ties, which is also
// what decides which of two identical strategies survives.
std::vector<std::size_t> report_order(const std::vector<double>& costs,
                                      const std::vector<double>& effects) {
    std::vector<std::size_t> order(costs.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (costs[a] != costs[b]) return costs[a] < costs[b];
        return effects[a] > effects[b];
    });
    return order;
}

IcerRow unclassified_row(const std::string& strategy, double cost, double effect) {
    return {strategy, cost, effect, DominanceStatus::frontier, "", kNaN, kNaN, kNaN, ""};
}

// In report order a row can only be dominated by an earlier row: every later row costs more, or
// costs the same with no more effect, or is an identical strategy that came later in the input.
// So an earlier row with at least the same effect dominates (or duplicates) this one. The first
// such row is never itself dominated, so the note always names a strategy that stays.
void mark_dominated(std::vector<IcerRow>& rows) {
    for (std::size_t p = 1; p < rows.size(); ++p) {
        for (std::size_t q = 0; q < p; ++q) {
            if (rows[q].effect < rows[p].effect) continue;
            const bool identical = rows[q].cost == rows[p].cost && rows[q].effect == rows[p].effect;
            rows[p].status = DominanceStatus::dominated;
            rows[p].note = (identical ? "identical to " : "dominated by ") + rows[q].strategy;
            break;
        }
    }
}

double icer_between(const IcerRow& from, const IcerRow& to) {
    return (to.cost - from.cost) / (to.effect - from.effect);
}

// Positions (into `frontier`) whose ICER exceeds the next one's. Strict comparison keeps
// strategies with equal consecutive ICERs on the frontier, as dampack does.
std::vector<std::size_t> extendedly_dominated(const std::vector<IcerRow>& rows,
                                              const std::vector<std::size_t>& frontier) {
    std::vector<std::size_t> found;
    for (std::size_t k = 1; k + 1 < frontier.size(); ++k) {
        const double into = icer_between(rows[frontier[k - 1]], rows[frontier[k]]);
        const double out_of = icer_between(rows[frontier[k]], rows[frontier[k + 1]]);
        if (into > out_of) found.push_back(k);
    }
    return found;
}

// After strong dominance the survivors have strictly increasing cost and effect, so their
// consecutive ICERs are positive and finite. Removing one extendedly dominated strategy can expose
// another, hence the loop; all found in one pass are removed together, as in dampack (the end
// result, the lower convex hull, does not depend on the removal order).
std::vector<std::size_t> efficient_frontier(const std::vector<IcerRow>& rows) {
    std::vector<std::size_t> frontier;
    for (std::size_t p = 0; p < rows.size(); ++p) {
        if (rows[p].status == DominanceStatus::frontier) frontier.push_back(p);
    }
    for (;;) {
        const std::vector<std::size_t> removed = extendedly_dominated(rows, frontier);
        if (removed.empty()) return frontier;
        for (auto k = removed.rbegin(); k != removed.rend(); ++k) {
            frontier.erase(frontier.begin() + static_cast<std::ptrdiff_t>(*k));
        }
    }
}

void set_incrementals(std::vector<IcerRow>& rows, const std::vector<std::size_t>& frontier) {
    for (std::size_t k = 1; k < frontier.size(); ++k) {
        const IcerRow& previous = rows[frontier[k - 1]];
        IcerRow& row = rows[frontier[k]];
        row.comparator = previous.strategy;
        row.incremental_cost = row.cost - previous.cost;
        row.incremental_effect = row.effect - previous.effect;
        row.icer = row.incremental_cost / row.incremental_effect;
    }
}

// A strategy that survived strong dominance but left the frontier lies strictly between two
// frontier strategies in cost and in effect, so in report order the frontier rows just before
// and just after it are the pair whose mix beats it.
void mark_extendedly_dominated(std::vector<IcerRow>& rows,
                               const std::vector<std::size_t>& frontier) {
    std::size_t next = 0;  // index into frontier of the first frontier row after p
    for (std::size_t p = 0; p < rows.size(); ++p) {
        if (next < frontier.size() && frontier[next] == p) {
            ++next;
            continue;
        }
        if (rows[p].status != DominanceStatus::frontier) continue;
        rows[p].status = DominanceStatus::extendedly_dominated;
        rows[p].note = "extendedly dominated by " + rows[frontier[next - 1]].strategy + " and " +
                       rows[frontier[next]].strategy;
    }
}

}  // namespace

std::string to_string(DominanceStatus status) {
    switch (status) {
        case DominanceStatus::frontier: return "frontier";
        case DominanceStatus::dominated: return "dominated";
        case DominanceStatus::extendedly_dominated: return "extendedly_dominated";
    }
    throw ModelError("to_string: unknown DominanceStatus value " +
                     std::to_string(static_cast<int>(status)) +
                     ". Use one of frontier, dominated, extendedly_dominated");
}

std::vector<IcerRow> incremental_analysis(const std::vector<std::string>& strategies,
                                          const std::vector<double>& costs,
                                          const std::vector<double>& effects) {
    validate_strategies("incremental_analysis", strategies, costs, effects);
    std::vector<IcerRow> rows;
    rows.reserve(strategies.size());
    for (std::size_t i : report_order(costs, effects)) {
        rows.push_back(unclassified_row(strategies[i], costs[i], effects[i]));
    }
    mark_dominated(rows);
    const std::vector<std::size_t> frontier = efficient_frontier(rows);
    set_incrementals(rows, frontier);
    mark_extendedly_dominated(rows, frontier);
    return rows;
}

double net_monetary_benefit(double cost, double effect, double wtp) {
    validate_wtp("net_monetary_benefit", wtp);
    check_finite("net_monetary_benefit", "the cost", cost);
    check_finite("net_monetary_benefit", "the effect", effect);
    return wtp * effect - cost;
}

double net_health_benefit(double cost, double effect, double wtp) {
    validate_wtp("net_health_benefit", wtp);
    check_finite("net_health_benefit", "the cost", cost);
    check_finite("net_health_benefit", "the effect", effect);
    if (wtp == 0.0) return kNaN;
    return effect - cost / wtp;
}

std::vector<NetBenefitRow> net_benefit_table(const std::vector<std::string>& strategies,
                                             const std::vector<double>& costs,
                                             const std::vector<double>& effects,
                                             const std::vector<double>& wtps) {
    validate_strategies("net_benefit_table", strategies, costs, effects);
    if (wtps.empty()) {
        throw ModelError(
            "net_benefit_table: no willingness-to-pay values were given. Pass at "
            "least one value >= 0");
    }
    for (double wtp : wtps) validate_wtp("net_benefit_table", wtp);

    std::vector<NetBenefitRow> table;
    table.reserve(strategies.size() * wtps.size());
    for (double wtp : wtps) {
        std::size_t best = table.size();
        for (std::size_t i = 0; i < strategies.size(); ++i) {
            table.push_back({strategies[i], wtp, net_monetary_benefit(costs[i], effects[i], wtp),
                             net_health_benefit(costs[i], effects[i], wtp), false});
            // Strict ">" leaves ties with the first strategy in input order.
            if (table.back().nmb > table[best].nmb) best = table.size() - 1;
        }
        table[best].optimal = true;
    }
    return table;
}

}  // namespace parity
