// Timed tree payoffs (tree_payoffs.csv from_year, years): the discounted totals against the
// annuity closed forms, the budget impact of a tree by hand (one entry cohort, two entry cohorts
// on their own clocks, a tree ending in a Markov model), the business case under the PSA, the
// errors, and trees without timing unchanged.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <string>

#include "parity/budget_impact.hpp"
#include "parity/budget_psa.hpp"
#include "parity/cohort.hpp"
#include "parity/csv_io.hpp"
#include "temp_folder.hpp"

using namespace parity;
using Catch::Contains;
using parity::testing::TempDir;

namespace {

// usual and service; half the entrants fall ill.
//   start (service: 90 for the service, untimed: year 0)
//   +- ill   0.5; care 300 spread over 3 years from entry (100 a year); QALYs -0.6 over years
//   |            1 and 2; productivity 250 over 2.5 years (100, 100, 50)
//   +- well  C;   care 40 in year 2 after entry (years empty: all at the start of from_year)
// Costs discounted at 5%, outcomes at 3%.
const std::map<std::string, std::string> kTimedTree = {
    {"settings.csv",
     "setting,value\nname,timed_tree\ndiscount_rate_costs,0.05\ndiscount_rate_outcomes,0.03\n"},
    {"parameters.csv",
     "name,value,source,distribution,distribution_parameters\n"
     "c_ill,300,Assumption: test,gamma,mean=300; se=60\n"
     "d_ill,3,Assumption: test,,\n"
     "c_service,90,Assumption: test,,\n"},
    {"strategies.csv", "name\nusual\nservice\n"},
    {"cost_categories.csv",
     "category,payer\ncare,nhs_acute\nproductivity,employers\nservice,nhs_mental_health\n"},
    {"tree.csv",
     "node,parent,probability\n"
     "start,,\n"
     "ill,start,0.5\n"
     "well,start,C\n"},
    {"tree_payoffs.csv",
     "strategy,node,category,value,from_year,years\n"
     "*,ill,care,c_ill,,d_ill\n"
     "*,ill,qaly,-0.6,1,2\n"
     "*,ill,productivity,250,0,2.5\n"
     "*,well,care,40,2,\n"
     "service,start,service,c_service,,\n"},
};

class Folder : public parity::testing::FilesFolder {
public:
    using FilesFolder::FilesFolder;
    ModelSpec spec() const { return read_model_folder(path()); }
    CompiledModel model() const { return CompiledModel(spec()); }
};

double annuity(double r, double n) {
    const double whole = std::floor(n);
    double a = 0.0;
    for (int k = 0; k < static_cast<int>(whole); ++k) a += std::pow(1.0 + r, -k);
    return a + (n - whole) * std::pow(1.0 + r, -whole);
}

BudgetImpact budget_of(const Outcomes& outcomes, const ModelSpec& spec,
                       std::vector<double> entrants) {
    BudgetImpactSpec b;
    b.horizon_years = static_cast<int>(entrants.size());
    b.entrants = std::move(entrants);
    return budget_impact(outcomes, spec.settings.correction.method, spec.settings.cycle_length, b);
}

std::string error_of(const Folder& folder) {
    try {
        folder.model().evaluate();
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("a timed payoff is discounted as the annuity of its years", "[tree][tree_timing]") {
    const auto out = Folder(kTimedTree).model().evaluate();
    const auto& usual = out.strategies[0];
    // care: 0.5 x 300/3 x annuity(5%, 3) + 0.5 x 40 x 1.05^-2
    CHECK(usual.costs[0] ==
          Approx(0.5 * 100 * annuity(0.05, 3) + 0.5 * 40 / (1.05 * 1.05)).epsilon(1e-14));
    CHECK(usual.costs[0] ==
          Approx(0.5 * 100 * (1 + 1 / 1.05 + 1 / (1.05 * 1.05)) + 0.5 * 40 / (1.05 * 1.05))
              .epsilon(1e-14));
    // productivity: 250 over 2.5 years = 100, 100, 50: 0.5 x 250/2.5 x annuity(5%, 2.5)
    CHECK(usual.costs[1] ==
          Approx(0.5 * 100 * (1 + 1 / 1.05 + 0.5 / (1.05 * 1.05))).epsilon(1e-14));
    CHECK(usual.costs[1] == Approx(0.5 * 250 / 2.5 * annuity(0.05, 2.5)).epsilon(1e-14));
    // QALYs at the outcomes' 3%: -0.3 in year 1 and year 2 = -0.6/2 x annuity_from(3%, 1, 2)
    CHECK(usual.qalys == Approx(0.5 * -0.3 * (1 / 1.03 + 1 / (1.03 * 1.03))).epsilon(1e-14));
    // Undiscounted totals are the values themselves.
    CHECK(usual.costs_undiscounted[0] == Approx(0.5 * 300 + 0.5 * 40).epsilon(1e-15));
    CHECK(usual.costs_undiscounted[1] == Approx(0.5 * 250).epsilon(1e-15));
    CHECK(usual.qalys_undiscounted == Approx(-0.3).epsilon(1e-15));
    // The untimed service cost keeps its meaning: a present value at entry.
    CHECK(out.strategies[1].costs[2] == 90.0);
    CHECK(out.strategies[1].costs_undiscounted[2] == 90.0);

    SECTION("the same payoff written with annuity() and no timing gives the same total") {
        auto files = kTimedTree;
        files["tree_payoffs.csv"] =
            "strategy,node,category,value\n"
            "*,ill,care,\"c_ill / d_ill * annuity(0.05, d_ill)\"\n"
            "*,well,care,\"40 * discount_factor(0.05, 2)\"\n";
        const auto present = Folder(files).model().evaluate();
        CHECK(present.strategies[0].costs[0] == Approx(usual.costs[0]).epsilon(1e-14));
    }
    SECTION("the tree's costs by year since entry, undiscounted") {
        REQUIRE(out.has_tree);
        const Eigen::MatrixXd& y = usual.tree_year_costs;
        REQUIRE(y.rows() == 3);
        REQUIRE(y.cols() == 3);
        CHECK(y(0, 0) == Approx(50));
        CHECK(y(1, 0) == Approx(50));
        CHECK(y(2, 0) == Approx(50 + 20));
        CHECK(y(0, 1) == Approx(50));
        CHECK(y(1, 1) == Approx(50));
        CHECK(y(2, 1) == Approx(25));
        CHECK(y.col(2).isZero());
        CHECK(out.strategies[1].tree_year_costs(0, 2) == 90.0);
    }
    SECTION("Results.tree shows a timed payoff as its present value per person") {
        const auto& ill = usual.tree[1];
        CHECK(ill.node == "ill");
        CHECK(ill.payoffs[0] == Approx(100 * annuity(0.05, 3)).epsilon(1e-14));
    }
}

TEST_CASE("a tree's budget: one entry cohort, a payoff over 3 years lands 1/3 a year",
          "[tree][tree_timing][budget_impact]") {
    const Folder folder(kTimedTree);
    const auto spec = folder.spec();
    const auto out = CompiledModel(spec).evaluate();
    const auto b = budget_of(out, spec, {1000, 0, 0});
    const Eigen::MatrixXd& usual = b.costs[0];
    // care: 1000 x 0.5 x 100 a year; the well branch's 40 falls in year 3 (year 2 after entry).
    CHECK(usual(0, 0) == Approx(50000));
    CHECK(usual(1, 0) == Approx(50000));
    CHECK(usual(2, 0) == Approx(50000 + 1000 * 0.5 * 40));
    // productivity: 100, 100, 50 per person ill
    CHECK(usual(0, 1) == Approx(50000));
    CHECK(usual(1, 1) == Approx(50000));
    CHECK(usual(2, 1) == Approx(25000));
    // The service's untimed cost falls in year 1 only.
    CHECK(b.costs[1](0, 2) == Approx(90000));
    CHECK(b.costs[1](1, 2) == 0.0);
    // Over the tree's whole span the budget adds up to the undiscounted totals.
    CHECK(usual.col(0).sum() == Approx(1000 * out.strategies[0].costs_undiscounted[0]));
}

TEST_CASE("a tree's budget: two entry cohorts, each on its own clock",
          "[tree][tree_timing][budget_impact]") {
    const Folder folder(kTimedTree);
    const auto spec = folder.spec();
    const auto b = budget_of(CompiledModel(spec).evaluate(), spec, {1000, 2000, 0, 0});
    const Eigen::MatrixXd& usual = b.costs[0];
    // Per entrant: care 50, 50, 50 + 20 in its years 0, 1, 2.
    CHECK(usual(0, 0) == Approx(1000 * 50));
    CHECK(usual(1, 0) == Approx(1000 * 50 + 2000 * 50));
    CHECK(usual(2, 0) == Approx(1000 * 70 + 2000 * 50));
    CHECK(usual(3, 0) == Approx(2000 * 70));
    // The service's year-0 cost follows each cohort's entry.
    CHECK(b.costs[1](0, 2) == Approx(1000 * 90));
    CHECK(b.costs[1](1, 2) == Approx(2000 * 90));
    CHECK(b.costs[1](2, 2) == 0.0);

    SECTION("entrants spread over monthly cycles: year k after entry starts 12 cycles later") {
        auto files = kTimedTree;
        files["settings.csv"] += "cycle_length,1/12\n";
        const Folder monthly(files);
        const auto mspec = monthly.spec();
        BudgetImpactSpec bs;
        bs.horizon_years = 2;
        bs.entrants = {1200, 0};
        bs.timing = EntryTiming::spread_over_year;
        const auto m = budget_impact(CompiledModel(mspec).evaluate(),
                                     mspec.settings.correction.method, 1.0 / 12, bs);
        // 100 a month enter in year 1; each pays 50 of care at entry and 50 a year later.
        CHECK(m.costs[0](0, 0) == Approx(1200 * 50));
        CHECK(m.costs[0](1, 0) == Approx(1200 * 50));
    }
}

TEST_CASE("a tree ending in a Markov model: the tree's years and the Markov cycles add up",
          "[tree][tree_timing][budget_impact]") {
    // Half enter Sick (cost 10 a year, 20% die a year), half die at once; correction start.
    const std::map<std::string, std::string> files = {
        {"settings.csv", "setting,value\nname,tree_markov\nn_cycles,3\ncorrection,start\n"},
        {"parameters.csv", "name,value,source\nc_ill,30,Assumption: test\n"},
        {"strategies.csv", "name\nusual\nservice\n"},
        {"states.csv", "name,alive\nSick,true\nDead,false\n"},
        {"transitions.csv", "from,to,probability\nSick,Dead,0.2\nSick,Sick,C\nDead,Dead,1\n"},
        {"state_rewards.csv", "state,category,value\nSick,care,10\n"},
        {"tree.csv",
         "node,parent,probability,label,markov_state\nstart,,,,\nsick,start,0.5,,Sick\n"
         "dead,start,C,,Dead\n"},
        {"tree_payoffs.csv",
         "strategy,node,category,value,from_year,years\n*,sick,care,c_ill,0,3\n"},
    };
    const Folder folder(files);
    const auto spec = folder.spec();
    const auto b = budget_of(CompiledModel(spec).evaluate(), spec, {100, 0, 0});
    // Markov: 100 x 0.5 x 10 x 0.8^y; tree: 100 x 0.5 x 10 in each of 3 years.
    CHECK(b.costs[0](0, 0) == Approx(500 + 500));
    CHECK(b.costs[0](1, 0) == Approx(400 + 500));
    CHECK(b.costs[0](2, 0) == Approx(320 + 500));
}

TEST_CASE("a tree without timing is unchanged, and so is its file", "[tree][tree_timing]") {
    auto files = kTimedTree;
    files["tree_payoffs.csv"] =
        "strategy,node,category,value\n*,ill,care,c_ill\n*,well,care,40\n*,ill,qaly,-0.6\n";
    const Folder plain(files);
    files["tree_payoffs.csv"] =
        "strategy,node,category,value,from_year,years\n*,ill,care,c_ill,,\n*,well,care,40,,\n"
        "*,ill,qaly,-0.6,,\n";
    const Folder empty_columns(files);
    const auto a = plain.model().evaluate();
    const auto b = empty_columns.model().evaluate();
    for (std::size_t s = 0; s < 2; ++s) {
        // Bit for bit: an untimed payoff is added as before, reach x value, undiscounted.
        CHECK(a.strategies[s].costs == b.strategies[s].costs);
        CHECK(a.strategies[s].costs == a.strategies[s].costs_undiscounted);
        CHECK(a.strategies[s].qalys == b.strategies[s].qalys);
        CHECK(a.strategies[s].tree_year_costs.rows() == 1);  // everything in year 0
    }
    CHECK(a.strategies[0].costs[0] == 0.5 * 300 + 0.5 * 40);
    CHECK(a.strategies[0].qalys == 0.5 * -0.6);
    // write_model_folder writes the timing columns only for a tree that has timing.
    TempDir out;
    write_model_folder(plain.spec(), out.str());
    CHECK(read_model_folder(out.str()).tree_payoffs[0].from_year.empty());
    TempDir timed;
    write_model_folder(Folder(kTimedTree).spec(), timed.str());
    const auto back = read_model_folder(timed.str());
    CHECK(back.tree_payoffs[0].years == "d_ill");
    CHECK(back.tree_payoffs[1].from_year == "1");
    CHECK(CompiledModel(back).evaluate().strategies[0].costs ==
          Folder(kTimedTree).model().evaluate().strategies[0].costs);
}

TEST_CASE("rows of one node and category with different timings add up", "[tree][tree_timing]") {
    auto files = kTimedTree;
    files["tree_payoffs.csv"] =
        "strategy,node,category,value,from_year,years\n"
        "*,ill,care,10,,\n*,ill,care,60,1,2\n*,ill,care,6,5,\n";
    const auto out = Folder(files).model().evaluate();
    const auto& y = out.strategies[0].tree_year_costs;
    REQUIRE(y.rows() == 6);
    CHECK(y(0, 0) == Approx(5));
    CHECK(y(1, 0) == Approx(15));
    CHECK(y(2, 0) == Approx(15));
    CHECK(y(5, 0) == Approx(3));
    CHECK(out.strategies[0].costs_undiscounted[0] == Approx(38));
    files["tree_payoffs.csv"] += "*,ill,care,60,1,2\n";
    CHECK_THAT(error_of(Folder(files)), Contains("tree_payoffs.csv:5") && Contains("given twice"));
}

TEST_CASE("timing errors name the file, line, column and fix", "[tree][tree_timing][errors]") {
    const auto with_row = [](const std::string& row) {
        auto files = kTimedTree;
        files["tree_payoffs.csv"] = "strategy,node,category,value,from_year,years\n" + row;
        return error_of(Folder(files));
    };
    CHECK_THAT(with_row("*,ill,care,100,-1,\n"),
               Contains("tree_payoffs.csv:2:5 (column 'from_year')") && Contains("is -1") &&
                   Contains("whole number of years"));
    CHECK_THAT(with_row("*,ill,care,100,1.5,\n"),
               Contains("tree_payoffs.csv:2:5") && Contains("whole number"));
    CHECK_THAT(with_row("*,ill,care,100,,0 - 2\n"),
               Contains("tree_payoffs.csv:2:6 (column 'years')") && Contains("is -2") &&
                   Contains("0 or more"));
    CHECK_THAT(with_row("*,ill,care,100,150,100\n"),
               Contains("tree_payoffs.csv:2:6") && Contains("at most 200"));
    CHECK_THAT(with_row("*,ill,care,100,two,\n"),
               Contains("tree_payoffs.csv:2:5") && Contains("two"));
    CHECK_THAT(with_row("*,ill,care,100,,state_time\n"),
               Contains("tree_payoffs.csv:2:6") && Contains("state_time"));
}

TEST_CASE("a tree's business case under the PSA: each sample is the case at its values",
          "[tree][tree_timing][budget_psa]") {
    const auto model = Folder(kTimedTree).model();
    BudgetPsaSpec spec;
    spec.budget.horizon_years = 3;
    spec.budget.entrants = {100, 200, 0};
    spec.investment.strategy = "service";
    spec.investment.comparator = "usual";
    spec.investment.payers = {"nhs_acute", "employers", "nhs_mental_health"};
    spec.investment.cash_releasing = {false, false, false};
    spec.investment.investment_categories = {"service"};
    PsaOptions o;
    o.n_samples = 5;
    o.seed = 3;
    o.threads = 2;
    o.keep_parameters = true;
    const auto psa = run_budget_psa(model, o, spec);
    const auto& out = psa.budget;
    const std::size_t years = 3, n_cat = 3;
    for (std::size_t i = 0; i < 5; ++i) {
        const double c_ill = psa.psa.parameter_values[i];
        const auto b = budget_of(model.evaluate({{"c_ill", c_ill}}), model.spec(), {100, 200, 0});
        // out.strategies is (service, usual); b.strategies is the model's order (usual, service).
        using Table = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
        for (std::size_t k = 0; k < 2; ++k) {
            const Eigen::Map<const Table> sample(&out.costs[(i * 2 + k) * years * n_cat], 3, 3);
            REQUIRE(sample.isApprox(b.costs[1 - k], 1e-12));
        }
        // Care follows the sample's c_ill: 100 x 0.5 x c_ill / 3 in year 1.
        REQUIRE(out.costs[((i * 2 + 1) * years + 0) * n_cat + 0] ==
                Approx(100 * 0.5 * c_ill / 3).epsilon(1e-12));
    }
}

TEST_CASE("budget_impact refuses a tree's outcomes without its costs by year",
          "[tree][tree_timing][budget_impact][errors]") {
    const Folder folder(kTimedTree);
    const auto spec = folder.spec();
    auto out = CompiledModel(spec).evaluate();
    out.strategies[0].tree_year_costs.resize(0, 0);
    CHECK_THROWS_WITH(budget_of(out, spec, {10}), Contains("strategy 'usual' is a decision tree") &&
                                                      Contains("costs by year since entry"));
}
