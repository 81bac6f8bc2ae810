// A business case under the PSA: each sample's budget is the deterministic business case at
// that sample's parameter values; the expected numbers are worked out by hand in the comments.
#include <catch2/catch.hpp>
#include <cmath>

#include "model_builders.hpp"
#include "parity/budget_psa.hpp"
#include "parity/errors.hpp"

using namespace parity;
using Catch::Matchers::Contains;
using parity::testing::service_model;

namespace {

// The service model of test_budget_impact.cpp with an uncertain acute cost and a recurring
// staff cost of 0.1 x c_sick (a derived parameter, so its value changes with each sample).
ModelSpec uncertain_service(int n_cycles, const std::string& distribution,
                            const std::string& parameters) {
    ModelSpec m = service_model(n_cycles);
    m.parameters[0].distribution = distribution;
    m.parameters[0].distribution_parameters = parameters;
    m.parameters.push_back({"c_staff", "0.1 * c_sick"});
    return m;
}

BudgetPsaSpec service_case(std::vector<double> entrants, bool fixed_costs = true) {
    BudgetPsaSpec spec;
    spec.budget.horizon_years = static_cast<int>(entrants.size());
    spec.budget.entrants = std::move(entrants);
    spec.budget.price_factor = 1.1;
    spec.investment.strategy = "service";
    spec.investment.comparator = "usual";
    spec.investment.payers = {"nhs_acute", "nhs_mental_health"};
    spec.investment.cash_releasing = {false, true};
    spec.investment.investment_categories = {"mh_service"};
    if (fixed_costs)
        spec.fixed_costs = {{"mh_service", true, "", 500.0}, {"mh_service", false, "c_staff", 0.0}};
    return spec;
}

BudgetPsa run(const CompiledModel& model, const BudgetPsaSpec& spec, std::uint64_t n,
              unsigned threads, std::uint64_t first = 0) {
    PsaOptions o;
    o.n_samples = n;
    o.seed = 11;
    o.threads = threads;
    o.first_sample = first;
    return run_budget_psa(model, o, spec);
}

/// The deterministic business case at the given parameter values, as the Python layer builds
/// it: budget_impact, fixed costs x price factor, investment summary.
std::pair<BudgetImpact, InvestmentSummary> deterministic(const CompiledModel& model,
                                                         const BudgetPsaSpec& spec,
                                                         const std::map<std::string, double>& at) {
    const auto outcomes = model.evaluate(at, EvaluateOptions{false, true});
    BudgetImpact b = budget_impact(outcomes, model.spec().settings.correction.method,
                                   model.spec().settings.cycle_length, spec.budget);
    const auto values = model.parameter_values(0, at);
    for (const auto& f : spec.fixed_costs) {
        const double amount = f.parameter.empty() ? f.amount : values.at(f.parameter);
        const Eigen::Index c = f.category == "acute" ? 0 : 1;
        // budget.strategies follows the model: usual, service
        if (f.one_off)
            b.costs[1](0, c) += amount * spec.budget.price_factor;
        else
            b.costs[1].col(c).array() += amount * spec.budget.price_factor;
    }
    return {b, investment_summary(b, spec.investment)};
}

void require_sample_is(const BudgetPsaOutcomes& out, std::size_t i, const BudgetImpact& b,
                       const InvestmentSummary& s) {
    const std::size_t years = static_cast<std::size_t>(out.horizon_years);
    const std::size_t n_cat = out.categories.size();
    // out.strategies is (service, usual); b.strategies is the model's order (usual, service).
    for (std::size_t k = 0; k < 2; ++k)
        for (std::size_t y = 0; y < years; ++y)
            for (std::size_t c = 0; c < n_cat; ++c)
                REQUIRE(out.costs[((i * 2 + k) * years + y) * n_cat + c] ==
                        Approx(b.costs[1 - k](static_cast<Eigen::Index>(y),
                                              static_cast<Eigen::Index>(c)))
                            .epsilon(1e-12));
    for (std::size_t y = 0; y < years; ++y) {
        REQUIRE(out.yearly[(i * years + y) * 3 + 0] == Approx(s.investment[y]).epsilon(1e-12));
        REQUIRE(out.yearly[(i * years + y) * 3 + 1] ==
                Approx(s.gross_savings[y]).epsilon(1e-12).margin(1e-9));
        REQUIRE(out.yearly[(i * years + y) * 3 + 2] ==
                Approx(s.cash_savings[y]).epsilon(1e-12).margin(1e-9));
    }
    const double* sum = &out.summary[i * 7];
    REQUIRE(sum[0] == Approx(s.roi).epsilon(1e-12));
    REQUIRE(sum[2] == Approx(s.benefit_cost_ratio).epsilon(1e-12));
    REQUIRE(sum[3] == Approx(s.npv).epsilon(1e-12));
    REQUIRE(sum[4] == Approx(s.cash_npv).epsilon(1e-12));
    REQUIRE(sum[5] == s.break_even_year);
    REQUIRE(sum[6] == s.cash_break_even_year);
}

}  // namespace

TEST_CASE("budget PSA whose uncertainty leaves costs unchanged is the deterministic case",
          "[budget_psa]") {
    // Only an unused parameter varies, so every sample is the base case.
    ModelSpec m = uncertain_service(3, "", "");
    m.parameters.push_back({"p_unused", "0.5", "", "", "", "", "normal", "mean=0.5; sd=0.1"});
    const CompiledModel model(m);
    const auto spec = service_case({10, 20, 30});
    const auto psa = run(model, spec, 40, 2);
    const auto [b, s] = deterministic(model, spec, {});
    REQUIRE(psa.budget.n_samples == 40);
    REQUIRE(psa.budget.strategies == std::vector<std::string>{"service", "usual"});
    for (std::size_t i = 0; i < 40; ++i) require_sample_is(psa.budget, i, b, s);
    // The usual PSA outcomes are still there.
    REQUIRE(psa.psa.values.size() == 40 * 2 * 4);
}

TEST_CASE("each budget PSA sample is the business case at the sample's values", "[budget_psa]") {
    const CompiledModel model(uncertain_service(3, "gamma", "mean=1000; se=200"));
    const auto spec = service_case({10, 20, 30});
    const auto psa = run(model, spec, 6, 2);
    for (std::size_t i = 0; i < 6; ++i) {
        const double c_sick = psa.psa.parameter_values[i];
        const auto [b, s] = deterministic(model, spec, {{"c_sick", c_sick}});
        require_sample_is(psa.budget, i, b, s);
    }
}

TEST_CASE("budget PSA break-even and ROI per sample match the hand formula", "[budget_psa]") {
    // One person enters in year 1, horizon 2 years, no fixed costs, prices unchanged:
    //   investment I = 600 (year 1) + 0.5 x (600 - 200) = 200 (year 2)
    //   savings S = 0 (year 1) + c_sick x (1 - 0.5) (year 2, half the cohort recovered)
    // cumulative net savings at year 2 = 0.5 c - 800, so it breaks even in year 2 when c >= 1600,
    // ROI = (0.5 c - 800) / 800, NPV = -600 + (0.5 c - 200) / 1.035.
    const CompiledModel model(uncertain_service(2, "uniform", "min=1000; max=2000"));
    auto spec = service_case({1, 0}, false);
    spec.budget.price_factor = 1.0;
    const auto psa = run(model, spec, 200, 2);
    int broke_even = 0;
    for (std::size_t i = 0; i < 200; ++i) {
        const double c = psa.psa.parameter_values[i];
        const double* sum = &psa.budget.summary[i * 7];
        REQUIRE(sum[5] == (0.5 * c - 800 >= 0 ? 2 : 0));
        REQUIRE(sum[0] == Approx((0.5 * c - 800) / 800).epsilon(1e-12));
        REQUIRE(sum[3] == Approx(-600 + (0.5 * c - 200) / 1.035).epsilon(1e-12));
        broke_even += sum[5] == 2;
    }
    REQUIRE(broke_even > 0);
    REQUIRE(broke_even < 200);
}

TEST_CASE("budget PSA does not depend on threads or chunks", "[budget_psa]") {
    const CompiledModel model(uncertain_service(3, "gamma", "mean=1000; se=200"));
    const auto spec = service_case({10, 20, 30});
    const auto one = run(model, spec, 700, 1);
    const auto two = run(model, spec, 700, 2);
    REQUIRE(one.budget.costs == two.budget.costs);
    REQUIRE(one.budget.yearly == two.budget.yearly);
    REQUIRE(one.budget.summary == two.budget.summary);
    REQUIRE(one.psa.values == two.psa.values);
    const auto a = run(model, spec, 300, 2, 0);
    const auto b = run(model, spec, 400, 1, 300);
    std::vector<double> joined = a.budget.summary;
    joined.insert(joined.end(), b.budget.summary.begin(), b.budget.summary.end());
    REQUIRE(joined == one.budget.summary);
    std::vector<double> costs = a.budget.costs;
    costs.insert(costs.end(), b.budget.costs.begin(), b.budget.costs.end());
    REQUIRE(costs == one.budget.costs);
    // The usual PSA outcomes are those of run_psa.
    PsaOptions o;
    o.n_samples = 700;
    o.seed = 11;
    o.threads = 2;
    REQUIRE(run_psa(model, o).values == one.psa.values);
}

TEST_CASE("budget PSA pays per-team fixed costs the given number of times each year",
          "[budget_psa]") {
    // Teams in post 1, 2, 3 (entrants 100, 250, 260 at 126 a team), so one team set up in each
    // year: sample i's staff cost in year y is 1.1 x (500 x 1 + c_staff_i x teams_y) above the
    // same case without fixed costs, c_staff_i = 0.1 x c_sick_i.
    const CompiledModel model(uncertain_service(3, "gamma", "mean=1000; se=200"));
    auto spec = service_case({100, 250, 260});
    spec.fixed_costs[0].per_year = {1, 1, 1};
    spec.fixed_costs[1].per_year = {1, 2, 3};
    const auto teams = run(model, spec, 5, 2);
    const auto none = run(model, service_case({100, 250, 260}, false), 5, 2);
    const double teams_in_post[3] = {1, 2, 3};
    for (std::size_t i = 0; i < 5; ++i) {
        const double c_staff = 0.1 * teams.psa.parameter_values[i];
        for (std::size_t y = 0; y < 3; ++y) {
            // costs: samples x (service, usual) x years x (acute, mh_service)
            const std::size_t at = ((i * 2 + 0) * 3 + y) * 2 + 1;
            REQUIRE(teams.budget.costs[at] - none.budget.costs[at] ==
                    Approx(1.1 * (500.0 + c_staff * teams_in_post[y])).epsilon(1e-12));
            REQUIRE(teams.budget.costs[at - 1] == none.budget.costs[at - 1]);  // acute unchanged
        }
    }
    // Without multipliers the one-off cost falls in year 1 only and the recurring in every year.
    const auto once = run(model, service_case({100, 250, 260}), 5, 2);
    for (std::size_t y = 0; y < 3; ++y) {
        const std::size_t at = y * 2 + 1;
        const double c_staff = 0.1 * once.psa.parameter_values[0];
        REQUIRE(once.budget.costs[at] - none.budget.costs[at] ==
                Approx(1.1 * ((y == 0 ? 500.0 : 0.0) + c_staff)).epsilon(1e-12));
    }
}

TEST_CASE("budget PSA bad input", "[budget_psa][errors]") {
    const CompiledModel model(uncertain_service(3, "gamma", "mean=1000; se=200"));
    auto spec = service_case({10, 20, 30});
    SECTION("unknown parameter for a fixed cost") {
        spec.fixed_costs[1].parameter = "c_staf";
        REQUIRE_THROWS_WITH(run(model, spec, 5, 1),
                            Contains("unknown parameter 'c_staf'") && Contains("c_staff"));
    }
    SECTION("a fixed cost that varies with time") {
        spec.fixed_costs[1].parameter = "c_service";
        REQUIRE_THROWS_WITH(run(model, spec, 5, 1), Contains("varies with time"));
    }
    SECTION("yearly multipliers not one a year") {
        spec.fixed_costs[1].per_year = {1, 2};
        REQUIRE_THROWS_WITH(run(model, spec, 5, 1),
                            Contains("recurring cost of 'mh_service' has 2 yearly multipliers "
                                     "for 3 budget years"));
    }
    SECTION("a negative yearly multiplier") {
        spec.fixed_costs[0].per_year = {1, -1, 0};
        REQUIRE_THROWS_WITH(run(model, spec, 5, 1),
                            Contains("one-off cost of 'mh_service' has a yearly multiplier of -1"));
    }
    SECTION("unknown strategy") {
        spec.investment.strategy = "servic";
        REQUIRE_THROWS_WITH(run(model, spec, 5, 1), Contains("unknown strategy 'servic'"));
    }
    SECTION("a run shorter than the horizon") {
        spec.budget.horizon_years = 4;
        spec.budget.entrants = {1, 1, 1, 1};
        REQUIRE_THROWS_WITH(run(model, spec, 5, 1), Contains("needs 4"));
    }
}
