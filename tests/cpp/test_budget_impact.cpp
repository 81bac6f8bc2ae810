// Budget impact: every expected number below is worked out by hand in the comments.
#include <catch2/catch.hpp>
#include <cmath>

#include "model_builders.hpp"
#include "parity/budget_impact.hpp"
#include "parity/cohort.hpp"
#include "parity/errors.hpp"

using namespace parity;
using Catch::Matchers::Contains;
using parity::testing::service_model;
using parity::testing::two_state_model;

namespace {

BudgetImpact run_budget(const ModelSpec& spec, std::vector<double> entrants,
                        EntryTiming timing = EntryTiming::start_of_year, double factor = 1.0) {
    BudgetImpactSpec b;
    b.horizon_years = static_cast<int>(entrants.size());
    b.entrants = std::move(entrants);
    b.timing = timing;
    b.price_factor = factor;
    const auto outcomes = CompiledModel(spec).evaluate();
    return budget_impact(outcomes, spec.settings.correction.method, spec.settings.cycle_length, b);
}

InvestmentSpec service_vs_usual() {
    InvestmentSpec s;
    s.strategy = "service";
    s.comparator = "usual";
    s.payers = {"nhs_acute", "nhs_mental_health"};
    s.cash_releasing = {false, true};
    return s;
}

// Plain data, two years, four categories: staff 150 and local authority support 50 more, beds
// 300 and care homes 50 less over the horizon.
BudgetImpact four_payer_budget() {
    BudgetImpact b;
    b.strategies = {"current", "new"};
    b.categories = {"staff", "la_support", "beds", "care_homes"};
    b.entrants = {1, 1};
    Eigen::MatrixXd current(2, 4), fresh(2, 4);
    current << 0, 0, 200, 50, 0, 0, 200, 50;
    fresh << 100, 50, 100, 25, 50, 0, 0, 25;
    b.costs = {current, fresh};
    return b;
}

InvestmentSpec four_payer_spec() {
    InvestmentSpec spec;
    spec.strategy = "new";
    spec.comparator = "current";
    spec.payers = {"nhs_mental_health", "local_authority_social_care", "nhs_acute",
                   "local_authority_social_care"};
    spec.cash_releasing = {true, true, false, true};
    return spec;
}

}  // namespace

TEST_CASE("per-cycle cost profile follows the within-cycle correction", "[budget_impact]") {
    Eigen::MatrixXd v(3, 1);
    v << 2, 4, 8;
    SECTION("start: point j is cycle j") {
        const auto p = cycle_cost_profile(v, {1, 1, 0}, CorrectionMethod::start);
        REQUIRE(p.rows() == 2);
        REQUIRE(p(0, 0) == 2);
        REQUIRE(p(1, 0) == 4);
    }
    SECTION("end: point j+1 is cycle j") {
        const auto p = cycle_cost_profile(v, {0, 1, 1}, CorrectionMethod::end);
        REQUIRE(p(0, 0) == 4);
        REQUIRE(p(1, 0) == 8);
    }
    SECTION("half-cycle: the mean of the two ends, summing to the corrected total") {
        const auto p = cycle_cost_profile(v, {0.5, 1, 0.5}, CorrectionMethod::half_cycle);
        REQUIRE(p(0, 0) == 3);
        REQUIRE(p(1, 0) == 6);
        REQUIRE(p.sum() == 0.5 * 2 + 4 + 0.5 * 8);
    }
    SECTION("Simpson weights cannot be split by cycle") {
        REQUIRE_THROWS_WITH(
            cycle_cost_profile(v, {1.0 / 3, 4.0 / 3, 1.0 / 3}, CorrectionMethod::simpson),
            Contains("simpson") && Contains("start, end, half_cycle"));
    }
}

TEST_CASE("one cohort, one year", "[budget_impact]") {
    const auto b = run_budget(service_model(1), {10});
    REQUIRE(b.strategies == std::vector<std::string>{"usual", "service"});
    REQUIRE(b.costs[0](0, 0) == Approx(10 * 1000));  // usual, acute
    REQUIRE(b.costs[0](0, 1) == 0);
    REQUIRE(b.costs[1](0, 0) == Approx(10 * 1000));  // service, acute (all Sick in year 1)
    REQUIRE(b.costs[1](0, 1) == Approx(10 * 600));   // service, the service itself
    const auto s = investment_summary(b, service_vs_usual());
    REQUIRE(s.investment_categories == std::vector<std::string>{"mh_service"});
    REQUIRE(s.investment[0] == Approx(6000));
    REQUIRE(s.gross_savings[0] == Approx(0).margin(1e-9));
    REQUIRE(s.net_budget_impact[0] == Approx(6000));
    REQUIRE(s.roi == Approx(-1));
    REQUIRE(s.break_even_year == 0);
}

TEST_CASE("open cohort: the second entry cohort runs on its own clock", "[budget_impact]") {
    // Entrants 10 then 20, each entering at the start of its year.
    // Year 1: usual acute 10 x 1000; service acute 10 x 1000, service 10 x 600.
    // Year 2: usual acute (10 + 20) x 1000 = 30000; service acute 10 x 500 + 20 x 1000 = 25000;
    //         service 10 x 200 + 20 x 600 = 14000 (the second cohort pays its own first-year
    //         600, not the calendar's 400, which would give 10000).
    const auto b = run_budget(service_model(2), {10, 20});
    REQUIRE(b.costs[0](1, 0) == Approx(30000));
    REQUIRE(b.costs[1](1, 0) == Approx(25000));
    REQUIRE(b.costs[1](1, 1) == Approx(14000));
    const auto s = investment_summary(b, service_vs_usual());
    // I = (6000, 14000); S = (0, 5000); NBI = (6000, 9000), cumulative (6000, 15000).
    REQUIRE(s.investment[1] == Approx(14000));
    REQUIRE(s.gross_savings[1] == Approx(5000));
    REQUIRE(s.cumulative_net_budget_impact[1] == Approx(15000));
    REQUIRE(s.total_net_budget_impact == Approx(15000));
    // ROI = (5000 - 20000) / 20000; NPV = -6000 + (5000 - 14000) / 1.035.
    REQUIRE(s.roi == Approx(-0.75));
    REQUIRE(s.npv == Approx(-6000 - 9000 / 1.035));
}

TEST_CASE("a two-year ramp-up scales the entry cohorts", "[budget_impact]") {
    // 1,000 eligible a year with uptake 20% then 50%: entrants 200 and 500. With the usual-care
    // strategy alone: year 1 = 200 x 1000, year 2 = (200 + 500) x 1000.
    const auto b = run_budget(service_model(2), {1000 * 0.2, 1000 * 0.5});
    REQUIRE(b.costs[0](0, 0) == Approx(200000));
    REQUIRE(b.costs[0](1, 0) == Approx(700000));
    // Service: year 2 acute 200 x 500 + 500 x 1000, service 200 x 200 + 500 x 600.
    REQUIRE(b.costs[1](1, 0) == Approx(600000));
    REQUIRE(b.costs[1](1, 1) == Approx(340000));
}

TEST_CASE("break-even, ROI and NPV closed forms", "[budget_impact]") {
    // One cohort of 10 in year 1 followed for 3 years:
    // I = 10 x (600, 200, 50) = (6000, 2000, 500); S = 10 x (0, 500, 750) = (0, 5000, 7500);
    // net savings (-6000, 3000, 7000), cumulative (-6000, -3000, 4000): break-even in year 3.
    const auto b = run_budget(service_model(3), {10, 0, 0});
    const auto s = investment_summary(b, service_vs_usual());
    REQUIRE(s.total_investment == Approx(8500));
    REQUIRE(s.total_gross_savings == Approx(12500));
    REQUIRE(s.roi == Approx((12500.0 - 8500) / 8500));
    REQUIRE(s.benefit_cost_ratio == Approx(12500.0 / 8500));
    REQUIRE(s.break_even_year == 3);
    REQUIRE(s.npv == Approx(-6000 + 3000 / 1.035 + 7000 / (1.035 * 1.035)));
    REQUIRE(s.discount_factors[2] == Approx(1 / (1.035 * 1.035)));
    // The acute savings free capacity, not cash: no cash savings, so no cash break-even.
    REQUIRE(s.total_cash_savings == 0);
    REQUIRE(s.cash_roi == Approx(-1));
    REQUIRE(s.cash_npv == Approx(-6000 - 2000 / 1.035 - 500 / (1.035 * 1.035)));
    REQUIRE(s.cash_break_even_year == 0);
    // Discounting the first year too divides every factor by 1.035.
    auto first = service_vs_usual();
    first.discount.discount_first_cycle = true;
    REQUIRE(investment_summary(b, first).npv == Approx(s.npv / 1.035));
}

TEST_CASE("break-even year: cumulative net savings must stay >= 0", "[budget_impact]") {
    REQUIRE(break_even_year({-5, 1, 2}) == 2);
    REQUIRE(break_even_year({-5, 1, -1}) == 0);
    REQUIRE(break_even_year({1, -1, 3}) == 3);
    REQUIRE(break_even_year({0, 2}) == 1);
    REQUIRE(break_even_year({}) == 0);
}

TEST_CASE("who pays and who saves", "[budget_impact]") {
    // Plain data, two years: two investing payers (75% and 25% of the investment) and two
    // saving payers (savings 300 and 100 over the horizon).
    const BudgetImpact b = four_payer_budget();
    InvestmentSpec spec = four_payer_spec();
    const auto s = investment_summary(b, spec);
    REQUIRE(s.investment_categories == std::vector<std::string>{"staff", "la_support"});
    REQUIRE(s.investing_payers ==
            std::vector<std::string>{"nhs_mental_health", "local_authority_social_care"});
    REQUIRE(s.saving_payers ==
            std::vector<std::string>{"nhs_acute", "local_authority_social_care"});
    REQUIRE(s.payer_investment == std::vector<double>{150, 50});
    REQUIRE(s.payer_savings == std::vector<double>{300, 50});
    REQUIRE(s.who_pays_who_saves(0, 0) == Approx(0.75 * 300));
    REQUIRE(s.who_pays_who_saves(1, 1) == Approx(0.25 * 50));
    REQUIRE(s.who_pays_who_saves.sum() == Approx(350));
    // Cash: care homes only (beds are not cash-releasing): 25 a year.
    REQUIRE(s.cash_savings == std::vector<double>{25, 25});
    // Naming the investment categories overrides the default (costlier categories).
    spec.investment_categories = {"staff"};
    const auto t = investment_summary(b, spec);
    REQUIRE(t.total_investment == Approx(150));
    REQUIRE(t.total_gross_savings == Approx(350 - 50));
}

TEST_CASE("categories outside the budget perspective are wider benefits", "[budget_impact]") {
    // The data of "who pays and who saves" with an NHS-only perspective: the local authority's
    // support (50 more in year 1) and care homes (25 less a year) leave investment and savings
    // and become wider benefits.
    const BudgetImpact b = four_payer_budget();
    InvestmentSpec spec = four_payer_spec();
    spec.in_perspective = {true, false, true, false};
    const auto s = investment_summary(b, spec);
    REQUIRE(s.investment_categories == std::vector<std::string>{"staff"});
    REQUIRE(s.investment == std::vector<double>{100, 50});
    REQUIRE(s.gross_savings == std::vector<double>{100, 200});  // beds only
    REQUIRE(s.cash_savings == std::vector<double>{0, 0});       // beds do not release cash
    // Year 1: la_support +50, care homes -25 -> W = -25; year 2: care homes -25 -> W = 25.
    REQUIRE(s.wider_benefits == std::vector<double>{-25, 25});
    REQUIRE(s.total_wider_benefits == 0);
    REQUIRE(s.roi == Approx((300.0 - 150.0) / 150.0));
    REQUIRE(s.saving_payers == std::vector<std::string>{"nhs_acute"});
    REQUIRE(s.investing_payers == std::vector<std::string>{"nhs_mental_health"});
    spec.investment_categories = {"la_support"};
    REQUIRE_THROWS_WITH(investment_summary(b, spec),
                        Catch::Contains("investment category 'la_support'") &&
                            Catch::Contains("outside the budget perspective"));
}

TEST_CASE("entrants spread over the year and the price-year factor", "[budget_impact]") {
    // Cost 1 a year while alive, nobody dies, half-year cycles counted at their start: each
    // cycle costs 0.5. Entrants 10 a year spread over the year: 5 start at each cycle.
    // Budget cycles: 2.5, 5, 7.5, 10 -> year 1 = 7.5, year 2 = 17.5.
    auto spec = two_state_model(0.0, 4, "start");
    apply_setting(spec.settings, "cycle_length", "0.5");
    const auto b = run_budget(spec, {10, 10}, EntryTiming::spread_over_year);
    REQUIRE(b.costs[0](0, 0) == Approx(7.5));
    REQUIRE(b.costs[0](1, 0) == Approx(17.5));
    // A price factor multiplies every cost.
    const auto c = run_budget(spec, {10, 10}, EntryTiming::spread_over_year, 1.2951);
    REQUIRE(c.costs[0](1, 0) == Approx(17.5 * 1.2951));
}

TEST_CASE("budget impact: bad input", "[budget_impact][errors]") {
    const auto spec = service_model(2);
    const auto outcomes = CompiledModel(spec).evaluate();
    BudgetImpactSpec b;
    b.horizon_years = 2;
    b.entrants = {10, -1};
    REQUIRE_THROWS_AS(budget_impact(outcomes, CorrectionMethod::start, 1.0, b), InputError);
    REQUIRE_THROWS_WITH(budget_impact(outcomes, CorrectionMethod::start, 1.0, b),
                        Contains("budget year 2") && Contains("-1"));
    b.entrants = {10, 10, 10};
    b.horizon_years = 3;
    REQUIRE_THROWS_WITH(budget_impact(outcomes, CorrectionMethod::start, 1.0, b),
                        Contains("run for 2 cycles") && Contains("n_cycles >= 3"));
    b.horizon_years = 11;
    b.entrants.assign(11, 1.0);
    REQUIRE_THROWS_WITH(budget_impact(outcomes, CorrectionMethod::start, 1.0, b),
                        Contains("1 to 10 years"));
    b.horizon_years = 2;
    b.entrants = {1, 1};
    REQUIRE_THROWS_WITH(budget_impact(outcomes, CorrectionMethod::start, 1.0 / 3.5, b),
                        Contains("straddle"));
    REQUIRE_THROWS_WITH(budget_impact(outcomes, CorrectionMethod::start, 2.0, b),
                        Contains("at most a year"));
    b.price_factor = 0;
    REQUIRE_THROWS_WITH(budget_impact(outcomes, CorrectionMethod::start, 1.0, b),
                        Contains("price-year factor"));
    b.price_factor = 1;
    const auto budget = budget_impact(outcomes, CorrectionMethod::start, 1.0, b);
    auto inv = service_vs_usual();
    inv.payers[0] = "nhs_acutee";
    REQUIRE_THROWS_AS(investment_summary(budget, inv), InputError);
    REQUIRE_THROWS_WITH(investment_summary(budget, inv),
                        Contains("unknown payer 'nhs_acutee'") && Contains("nhs_acute"));
    inv = service_vs_usual();
    inv.comparator = "usaul";
    REQUIRE_THROWS_WITH(investment_summary(budget, inv),
                        Contains("unknown comparator strategy 'usaul'") && Contains("usual"));
    inv = service_vs_usual();
    inv.investment_categories = {"staff"};
    REQUIRE_THROWS_WITH(investment_summary(budget, inv), Contains("unknown investment category"));
    REQUIRE_THROWS_WITH(parse_entry_timing("mid_year"), Contains("start_of_year"));
}
