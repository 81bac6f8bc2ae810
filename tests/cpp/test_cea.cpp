// Incremental cost-effectiveness analysis. Every expected number below was worked out by hand;
// the arithmetic is in the comments next to it.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "parity/cea.hpp"
#include "parity/errors.hpp"

using parity::DominanceStatus;
using parity::IcerRow;
using parity::incremental_analysis;
using parity::ModelError;
using parity::NetBenefitRow;

namespace {

std::vector<std::string> names_of(const std::vector<IcerRow>& rows) {
    std::vector<std::string> names;
    for (const IcerRow& row : rows) names.push_back(row.strategy);
    return names;
}

const IcerRow& row_named(const std::vector<IcerRow>& rows, const std::string& name) {
    for (const IcerRow& row : rows) {
        if (row.strategy == name) return row;
    }
    FAIL("no row for strategy " << name);
    throw;  // unreachable: FAIL aborts the test case
}

void require_no_comparator(const IcerRow& row) {
    REQUIRE(row.comparator.empty());
    REQUIRE(std::isnan(row.incremental_cost));
    REQUIRE(std::isnan(row.incremental_effect));
    REQUIRE(std::isnan(row.icer));
}

void require_first_on_frontier(const IcerRow& row) {
    REQUIRE(row.status == DominanceStatus::frontier);
    REQUIRE(row.note.empty());
    require_no_comparator(row);
}

void require_off_frontier(const IcerRow& row, DominanceStatus status, const std::string& note) {
    REQUIRE(row.status == status);
    REQUIRE(row.note == note);
    require_no_comparator(row);
}

// For inputs whose differences are exact in binary floating point (small integers).
void require_exact_step(const IcerRow& row, const std::string& comparator, double d_cost,
                        double d_effect, double icer) {
    REQUIRE(row.status == DominanceStatus::frontier);
    REQUIRE(row.note.empty());
    REQUIRE(row.comparator == comparator);
    REQUIRE(row.incremental_cost == d_cost);
    REQUIRE(row.incremental_effect == d_effect);
    REQUIRE(row.icer == icer);
}

}  // namespace

TEST_CASE("DARTH Sick-Sicker: A is strongly dominated by B; SoC, B, AB form the frontier",
          "[cea]") {
    const auto rows =
        incremental_analysis({"SoC", "A", "B", "AB"}, {151580, 284805, 259100, 378875},
                             {20.711, 21.499, 22.184, 23.137});
    // Cost order: SoC 151,580 < B 259,100 < A 284,805 < AB 378,875.
    REQUIRE(names_of(rows) == std::vector<std::string>{"SoC", "B", "A", "AB"});

    require_first_on_frontier(row_named(rows, "SoC"));

    // A costs 284,805 - 259,100 = 25,705 more than B and yields 22.184 - 21.499 = 0.685 fewer
    // QALYs: strong dominance, not extended.
    require_off_frontier(row_named(rows, "A"), DominanceStatus::dominated, "dominated by B");

    // B vs SoC: 259,100 - 151,580 = 107,520; 22.184 - 20.711 = 1.473;
    // 107,520 / 1.473 = 72,993.89 (check: 1.473 * 72,993.89 = 107,520.0). The tutorial prints
    // 72,988 because it divides unrounded model outputs; these are the rounded ones.
    const IcerRow& b = row_named(rows, "B");
    REQUIRE(b.status == DominanceStatus::frontier);
    REQUIRE(b.comparator == "SoC");
    REQUIRE(b.incremental_cost == 107520.0);
    REQUIRE(b.incremental_effect == Approx(1.473).epsilon(1e-12));
    REQUIRE(b.icer == Approx(72993.89).margin(0.01));

    // AB vs B: 378,875 - 259,100 = 119,775; 23.137 - 22.184 = 0.953;
    // 119,775 / 0.953 = 125,682.06 (check: 0.953 * 125,682.06 = 119,775.0).
    // 72,993.89 < 125,682.06, so B is not extendedly dominated.
    const IcerRow& ab = row_named(rows, "AB");
    REQUIRE(ab.status == DominanceStatus::frontier);
    REQUIRE(ab.comparator == "B");
    REQUIRE(ab.incremental_cost == 119775.0);
    REQUIRE(ab.incremental_effect == Approx(0.953).epsilon(1e-12));
    REQUIRE(ab.icer == Approx(125682.06).margin(0.01));
}

TEST_CASE("extended dominance is iterated until the frontier's ICERs stop falling", "[cea]") {
    // (cost, effect): O (1,000, 5), P (11,000, 6), Q (31,000, 7), R (37,000, 9). Cost and
    // effect rise together, so nothing is strongly dominated.
    // Pass 1: P vs O = 10,000 / 1 = 10,000; Q vs P = 20,000 / 1 = 20,000;
    //         R vs Q = 6,000 / 2 = 3,000. Q: 20,000 > 3,000 -> extendedly dominated.
    //         P: 10,000 > 20,000 is false, so P survives this pass.
    // Pass 2: O, P, R: P vs O = 10,000; R vs P = 26,000 / 3 = 8,666.67 < 10,000 -> P out too.
    // Pass 3: O, R: R vs O = 36,000 / 4 = 9,000. Done.
    const auto rows =
        incremental_analysis({"O", "P", "Q", "R"}, {1000, 11000, 31000, 37000}, {5, 6, 7, 9});
    REQUIRE(names_of(rows) == std::vector<std::string>{"O", "P", "Q", "R"});
    require_first_on_frontier(rows[0]);
    require_off_frontier(rows[1], DominanceStatus::extendedly_dominated,
                         "extendedly dominated by O and R");
    require_off_frontier(rows[2], DominanceStatus::extendedly_dominated,
                         "extendedly dominated by O and R");
    require_exact_step(rows[3], "O", 36000, 4, 9000);
}

TEST_CASE("several strategies leave the frontier in one pass", "[cea]") {
    // O (0, 0), P (30, 1), Q (40, 2), R (45, 3). ICERs: P 30, Q 10, R 5.
    // P: 30 > 10 and Q: 10 > 5, both out at once. R vs O = 45 / 3 = 15; on the line from O to R
    // cost at effect 1 is 15 < 30 (P) and at effect 2 is 30 < 40 (Q): both lie above it.
    const auto rows = incremental_analysis({"R", "Q", "P", "O"}, {45, 40, 30, 0}, {3, 2, 1, 0});
    REQUIRE(names_of(rows) == std::vector<std::string>{"O", "P", "Q", "R"});
    require_first_on_frontier(rows[0]);
    require_off_frontier(rows[1], DominanceStatus::extendedly_dominated,
                         "extendedly dominated by O and R");
    require_off_frontier(rows[2], DominanceStatus::extendedly_dominated,
                         "extendedly dominated by O and R");
    require_exact_step(rows[3], "O", 45, 3, 15);
}

TEST_CASE("ties in cost: the more effective comes first and dominates the other", "[cea]") {
    // B and C both cost 200; C (effect 3) sorts before B (effect 2) and dominates it.
    // C vs A: (200 - 100) / (3 - 1) = 50.
    const auto rows = incremental_analysis({"A", "B", "C"}, {100, 200, 200}, {1, 2, 3});
    REQUIRE(names_of(rows) == std::vector<std::string>{"A", "C", "B"});
    require_first_on_frontier(rows[0]);
    require_exact_step(rows[1], "A", 100, 2, 50);
    require_off_frontier(rows[2], DominanceStatus::dominated, "dominated by C");
}

TEST_CASE("ties in effect: the dearer one is dominated", "[cea]") {
    // B and C both yield 2; C costs 300 - 150 = 150 more. B vs A: (150 - 100) / (2 - 1) = 50.
    // Input order is reversed to show the output is sorted by cost regardless.
    const auto rows = incremental_analysis({"C", "B", "A"}, {300, 150, 100}, {2, 2, 1});
    REQUIRE(names_of(rows) == std::vector<std::string>{"A", "B", "C"});
    require_first_on_frontier(rows[0]);
    require_exact_step(rows[1], "A", 50, 1, 50);
    require_off_frontier(rows[2], DominanceStatus::dominated, "dominated by B");
}

TEST_CASE("identical strategies: the first in input order stays", "[cea]") {
    SECTION("the kept copy is on the frontier") {
        // first and copy are both (200, 2); first comes earlier in the input.
        // first vs base: (200 - 100) / (2 - 1) = 100.
        const auto rows =
            incremental_analysis({"first", "base", "copy"}, {200, 100, 200}, {2, 1, 2});
        REQUIRE(names_of(rows) == std::vector<std::string>{"base", "first", "copy"});
        require_first_on_frontier(rows[0]);
        require_exact_step(rows[1], "base", 100, 1, 100);
        require_off_frontier(rows[2], DominanceStatus::dominated, "identical to first");
    }
    SECTION("a real dominator is named ahead of the twin") {
        // D (50, 3) is cheaper and better than both copies of (200, 2).
        const auto rows = incremental_analysis({"P1", "P2", "D"}, {200, 200, 50}, {2, 2, 3});
        REQUIRE(names_of(rows) == std::vector<std::string>{"D", "P1", "P2"});
        require_first_on_frontier(rows[0]);
        require_off_frontier(rows[1], DominanceStatus::dominated, "dominated by D");
        require_off_frontier(rows[2], DominanceStatus::dominated, "dominated by D");
    }
}

TEST_CASE("equal consecutive ICERs keep both strategies on the frontier", "[cea]") {
    SECTION("exactly collinear") {
        // A (0, 0), B (10, 1), C (20, 2), D (40, 3): ICERs 10, 10, 20.
        // B: 10 > 10 is false; C: 10 > 20 is false. All four stay.
        const auto rows = incremental_analysis({"A", "B", "C", "D"}, {0, 10, 20, 40}, {0, 1, 2, 3});
        require_first_on_frontier(rows[0]);
        require_exact_step(rows[1], "A", 10, 1, 10);
        require_exact_step(rows[2], "B", 10, 1, 10);
        require_exact_step(rows[3], "C", 20, 1, 20);
    }
    SECTION("one unit dearer is enough to leave") {
        // B at 11: ICERs B 11, C 9 -> B out. Then C vs A = 20 / 2 = 10, D vs C = 20.
        const auto rows = incremental_analysis({"A", "B", "C", "D"}, {0, 11, 20, 40}, {0, 1, 2, 3});
        require_first_on_frontier(rows[0]);
        require_off_frontier(rows[1], DominanceStatus::extendedly_dominated,
                             "extendedly dominated by A and C");
        require_exact_step(rows[2], "A", 20, 2, 10);
        require_exact_step(rows[3], "C", 20, 1, 20);
    }
}

TEST_CASE("a single strategy is the whole frontier, with nothing to compare", "[cea]") {
    const auto rows = incremental_analysis({"Only"}, {500}, {3});
    REQUIRE(rows.size() == 1);
    REQUIRE(rows[0].strategy == "Only");
    REQUIRE(rows[0].cost == 500);
    REQUIRE(rows[0].effect == 3);
    require_first_on_frontier(rows[0]);
}

TEST_CASE("a strategy cheaper and better than all others dominates every one", "[cea]") {
    // S (50, 10) against A (100, 1), B (200, 5), C (300, 8).
    const auto rows =
        incremental_analysis({"A", "B", "S", "C"}, {100, 200, 50, 300}, {1, 5, 10, 8});
    REQUIRE(names_of(rows) == std::vector<std::string>{"S", "A", "B", "C"});
    require_first_on_frontier(rows[0]);
    for (std::size_t i = 1; i < rows.size(); ++i) {
        require_off_frontier(rows[i], DominanceStatus::dominated, "dominated by S");
    }
}

TEST_CASE("negative effects and negative incremental effects", "[cea]") {
    // Effects as negative numbers (e.g. DALYs lost): D (80, -6), A (100, -5), B (200, -3),
    // C (250, -4). C costs 50 more than B and has an incremental effect of -4 - (-3) = -1:
    // dominated, not given a ratio. A vs D: (100 - 80) / (-5 - (-6)) = 20 / 1 = 20.
    // B vs A: (200 - 100) / (-3 - (-5)) = 100 / 2 = 50 > 20, so A stays.
    const auto rows =
        incremental_analysis({"A", "B", "C", "D"}, {100, 200, 250, 80}, {-5, -3, -4, -6});
    REQUIRE(names_of(rows) == std::vector<std::string>{"D", "A", "B", "C"});
    require_first_on_frontier(rows[0]);
    require_exact_step(rows[1], "D", 20, 1, 20);
    require_exact_step(rows[2], "A", 100, 2, 50);
    require_off_frontier(rows[3], DominanceStatus::dominated, "dominated by B");
}

TEST_CASE("incremental_analysis rejects malformed input, naming the culprit", "[cea]") {
    using Catch::Matchers::Contains;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();

    REQUIRE_THROWS_AS(incremental_analysis({"A", "B"}, {1}, {1, 2}), ModelError);
    REQUIRE_THROWS_WITH(incremental_analysis({"A", "B"}, {1}, {1, 2}),
                        Contains("2 strategy names, 1 costs and 2 effects"));
    REQUIRE_THROWS_WITH(incremental_analysis({}, {}, {}), Contains("no strategies"));
    REQUIRE_THROWS_WITH(incremental_analysis({"A", ""}, {1, 2}, {1, 2}),
                        Contains("strategy number 2 (1-based) has an empty name"));
    REQUIRE_THROWS_WITH(incremental_analysis({"A", "B", "A"}, {1, 2, 3}, {1, 2, 3}),
                        Contains("'A' is used twice (numbers 1 and 3"));
    REQUIRE_THROWS_WITH(incremental_analysis({"A", "B"}, {1, nan}, {1, 2}),
                        Contains("the cost of strategy 'B' is nan"));
    REQUIRE_THROWS_WITH(incremental_analysis({"A", "B"}, {1, 2}, {inf, 2}),
                        Contains("the effect of strategy 'A' is inf"));
}

TEST_CASE("to_string names each status after its enumerator", "[cea]") {
    REQUIRE(parity::to_string(DominanceStatus::frontier) == "frontier");
    REQUIRE(parity::to_string(DominanceStatus::dominated) == "dominated");
    REQUIRE(parity::to_string(DominanceStatus::extendedly_dominated) == "extendedly_dominated");
}

TEST_CASE("net monetary and net health benefit closed forms", "[cea]") {
    using parity::net_health_benefit;
    using parity::net_monetary_benefit;
    // NMB = 50,000 * 2 - 1,000 = 99,000; NHB = 2 - 1,000 / 50,000 = 2 - 0.02 = 1.98.
    REQUIRE(net_monetary_benefit(1000, 2, 50000) == 99000);
    REQUIRE(net_health_benefit(1000, 2, 50000) == Approx(1.98).epsilon(1e-15));
    // NMB = 20,000 * -1.5 - 500 = -30,500; NHB = -1.5 - 500 / 20,000 = -1.525.
    REQUIRE(net_monetary_benefit(500, -1.5, 20000) == -30500);
    REQUIRE(net_health_benefit(500, -1.5, 20000) == Approx(-1.525).epsilon(1e-15));
    // At wtp 0 NMB is -cost and NHB (cost / 0) is undefined.
    REQUIRE(net_monetary_benefit(1000, 2, 0) == -1000);
    REQUIRE(std::isnan(net_health_benefit(1000, 2, 0)));

    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    REQUIRE_THROWS_AS(net_monetary_benefit(1000, 2, -1), ModelError);
    REQUIRE_THROWS_AS(net_health_benefit(1000, 2, -1), ModelError);
    REQUIRE_THROWS_AS(net_monetary_benefit(1000, 2, inf), ModelError);
    REQUIRE_THROWS_AS(net_health_benefit(1000, 2, nan), ModelError);
    REQUIRE_THROWS_AS(net_monetary_benefit(nan, 2, 100), ModelError);
    REQUIRE_THROWS_AS(net_health_benefit(1000, inf, 100), ModelError);
}

TEST_CASE("net_benefit_table on Sick-Sicker agrees with the frontier's ICERs", "[cea]") {
    const std::vector<std::string> names{"SoC", "A", "B", "AB"};
    const std::vector<double> wtps{0, 50000, 100000, 150000};
    const auto table = parity::net_benefit_table(names, {151580, 284805, 259100, 378875},
                                                 {20.711, 21.499, 22.184, 23.137}, wtps);
    REQUIRE(table.size() == 16);
    // Row w * 4 + i is strategy i at wtps[w].
    // NMB = wtp * effect - cost:
    //   wtp 0:       -151,580    -284,805    -259,100    -378,875   -> SoC
    //   wtp 50,000:  1,035,550 - 151,580 = 883,970;  1,074,950 - 284,805 = 790,145;
    //                1,109,200 - 259,100 = 850,100;  1,156,850 - 378,875 = 777,975  -> SoC
    //   wtp 100,000: 2,071,100 - 151,580 = 1,919,520; 2,149,900 - 284,805 = 1,865,095;
    //                2,218,400 - 259,100 = 1,959,300; 2,313,700 - 378,875 = 1,934,825 -> B
    //   wtp 150,000: 3,106,650 - 151,580 = 2,955,070; 3,224,850 - 284,805 = 2,940,045;
    //                3,327,600 - 259,100 = 3,068,500; 3,470,550 - 378,875 = 3,091,675 -> AB
    // Consistent with the ICERs: B pays off above 72,994 and AB above 125,682.
    const std::vector<std::vector<double>> nmb{{-151580, -284805, -259100, -378875},
                                               {883970, 790145, 850100, 777975},
                                               {1919520, 1865095, 1959300, 1934825},
                                               {2955070, 2940045, 3068500, 3091675}};
    const std::vector<std::size_t> optimal{0, 0, 2, 3};
    for (std::size_t w = 0; w < wtps.size(); ++w) {
        for (std::size_t i = 0; i < names.size(); ++i) {
            const NetBenefitRow& row = table[w * 4 + i];
            INFO("wtp " << wtps[w] << ", strategy " << names[i]);
            REQUIRE(row.strategy == names[i]);
            REQUIRE(row.wtp == wtps[w]);
            REQUIRE(row.nmb == Approx(nmb[w][i]).margin(1e-6));
            REQUIRE(row.optimal == (i == optimal[w]));
        }
    }
    for (std::size_t i = 0; i < names.size(); ++i) REQUIRE(std::isnan(table[i].nhb));
    // B at 100,000: 22.184 - 259,100 / 100,000 = 22.184 - 2.591 = 19.593.
    REQUIRE(table[2 * 4 + 2].nhb == Approx(19.593).epsilon(1e-12));
}

TEST_CASE("net_benefit_table breaks NMB ties by input order and validates wtp", "[cea]") {
    // At wtp 10: B = 10 * 1 - 10 = 0 and A = 10 * 0 - 0 = 0, a tie: B is first in the input.
    // At wtp 5: B = 5 - 10 = -5 < A = 0.
    const auto table = parity::net_benefit_table({"B", "A"}, {10, 0}, {1, 0}, {10, 5});
    REQUIRE(table.size() == 4);
    REQUIRE(table[0].nmb == 0);
    REQUIRE(table[1].nmb == 0);
    REQUIRE(table[0].optimal);
    REQUIRE_FALSE(table[1].optimal);
    REQUIRE_FALSE(table[2].optimal);
    REQUIRE(table[3].optimal);

    using Catch::Matchers::Contains;
    REQUIRE_THROWS_WITH(parity::net_benefit_table({"A"}, {1}, {1}, {}),
                        Contains("no willingness-to-pay values"));
    REQUIRE_THROWS_WITH(parity::net_benefit_table({"A"}, {1}, {1}, {100, -5}),
                        Contains("willingness to pay is -5"));
    REQUIRE_THROWS_WITH(parity::net_benefit_table({"A", "A"}, {1, 2}, {1, 2}, {100}),
                        Contains("'A' is used twice"));
}
