// Decision trees: expected values computed by hand, a tree ending in a Markov model against its
// closed form, the present-value functions against their closed forms, one test per validation
// error (each naming file, line, column, node and strategy) and a PSA of a tree.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <string>

#include "model_builders.hpp"
#include "parity/cohort.hpp"
#include "parity/csv_io.hpp"
#include "parity/expression.hpp"
#include "parity/psa.hpp"
#include "temp_folder.hpp"

using namespace parity;
using Catch::Contains;
using parity::testing::TempDir;
using parity::testing::write_file;

namespace {

// usual care and screening; screening lowers the risk of illness (an override of node `ill`)
// and costs more at the root (an override of the root's payoff).
//   start (cost 100; screen: c_screen = 150)
//   +- ill      p_ill = 0.3 (screen: p_ill_screen = 0.2); cost 50
//   |  +- severe  0.4; cost 1000, qaly 5, life_years 6
//   |  +- mild    C;   cost 200, qaly 8, life_years 9
//   +- well     C; qaly 10, life_years 10
const std::map<std::string, std::string> kTreeFolder = {
    {"settings.csv", "setting,value\nname,tree_test\n"},
    {"parameters.csv",
     "name,value,source,distribution,distribution_parameters\n"
     "p_ill,0.3,Assumption: test,beta,alpha=30; beta=70\n"
     "p_ill_screen,0.2,Assumption: test,beta,alpha=20; beta=80\n"
     "c_screen,150,Assumption: test,gamma,shape=100; rate=0.6667\n"},
    {"strategies.csv", "name\nusual\nscreen\n"},
    {"cost_categories.csv", "category,payer\nnhs_acute,nhs_acute\n"},
    {"tree.csv",
     "node,parent,probability,label,markov_state,strategy\n"
     "start,,,Start,,\n"
     "ill,start,p_ill,Ill,,\n"
     "ill,start,p_ill_screen,Ill,,screen\n"
     "severe,ill,0.4,Severe,,\n"
     "mild,ill,C,Mild,,\n"
     "well,start,C,Well,,\n"},
    {"tree_payoffs.csv",
     "strategy,node,category,value\n"
     "*,start,nhs_acute,100\n"
     "screen,start,nhs_acute,c_screen\n"
     "*,ill,nhs_acute,50\n"
     "*,severe,nhs_acute,1000\n"
     "*,severe,qaly,5\n"
     "*,severe,life_years,6\n"
     "*,mild,nhs_acute,200\n"
     "*,mild,qaly,8\n"
     "*,mild,life_years,9\n"
     "*,well,qaly,10\n"
     "*,well,life_years,10\n"},
};

// The folder above with some files replaced (an empty text removes the file).
class TreeFolder {
public:
    explicit TreeFolder(const std::map<std::string, std::string>& changes = {}) {
        auto files = kTreeFolder;
        for (const auto& [name, text] : changes) files[name] = text;
        for (const auto& [name, text] : files)
            if (!text.empty()) write_file(dir_ / name, text);
    }
    std::string path() const { return dir_.str(); }
    ModelSpec spec() const { return read_model_folder(path()); }
    CompiledModel model() const { return CompiledModel(spec()); }

private:
    TempDir dir_;
};

std::string with_tree(const std::string& rows) {
    return "node,parent,probability,label,markov_state,strategy\n" + rows;
}

// A Markov model (Alive -> Dead, q per cycle) for trees to end in.
const std::map<std::string, std::string> kMarkovFiles = {
    {"settings.csv", "setting,value\nn_cycles,10\n"},
    {"states.csv", "name,alive\nAlive,true\nDead,false\n"},
    {"transitions.csv", "from,to,probability\nAlive,Dead,0.2\nAlive,Alive,C\nDead,Dead,1\n"},
    {"state_rewards.csv", "state,category,value\nAlive,utility,1\n"},
};

std::map<std::string, std::string> markov_with_tree(const std::string& tree_rows) {
    auto files = kMarkovFiles;
    files["tree.csv"] = with_tree(tree_rows);
    return files;
}

const std::string kMarkovTree =
    "start,,,,,\nill,start,p_ill,,,\nill,start,p_ill_screen,,,screen\nsevere,ill,0.4,,Dead,\n"
    "mild,ill,C,,Alive,\nwell,start,C,,Alive,\n";

std::string error_of(const TreeFolder& folder) {
    try {
        folder.model().evaluate();
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

double evaluate(const std::string& expression, const std::map<std::string, double>& vars = {}) {
    std::vector<std::string> names;
    for (const auto& kv : vars) names.push_back(kv.first);
    ExpressionSet set(names, nullptr, 1.0);
    for (std::size_t i = 0; i < names.size(); ++i) set.variables()[i] = vars.at(names[i]);
    return set.eval(set.add(expression, "test"));
}

}  // namespace

TEST_CASE("a two-level tree: expected values by hand, with a strategy override", "[tree]") {
    const auto out = TreeFolder().model().evaluate();
    REQUIRE(out.states.empty());
    REQUIRE(out.categories == std::vector<std::string>{"nhs_acute"});
    const auto& usual = out.strategies[0];
    const auto& screen = out.strategies[1];
    // Usual care: reach ill 0.3, severe 0.12, mild 0.18, well 0.7.
    CHECK(usual.costs[0] == Approx(100 + 0.3 * 50 + 0.12 * 1000 + 0.18 * 200).epsilon(1e-14));
    CHECK(usual.qalys == Approx(0.12 * 5 + 0.18 * 8 + 0.7 * 10).epsilon(1e-14));
    CHECK(usual.life_years == Approx(0.12 * 6 + 0.18 * 9 + 0.7 * 10).epsilon(1e-14));
    // Screening: reach ill 0.2, severe 0.08, mild 0.12, well 0.8; root cost 150.
    CHECK(screen.costs[0] == Approx(150 + 0.2 * 50 + 0.08 * 1000 + 0.12 * 200).epsilon(1e-14));
    CHECK(screen.qalys == Approx(0.08 * 5 + 0.12 * 8 + 0.8 * 10).epsilon(1e-14));
    CHECK(screen.life_years == Approx(0.08 * 6 + 0.12 * 9 + 0.8 * 10).epsilon(1e-14));
    // Payoffs are present values: the undiscounted totals are the same numbers.
    CHECK(usual.costs_undiscounted == usual.costs);
    CHECK(usual.qalys_undiscounted == usual.qalys);

    SECTION("the tree as evaluated, depth-first with payoffs per person reaching each node") {
        const auto& tree = screen.tree;
        REQUIRE(tree.size() == 5);
        std::vector<std::string> order;
        for (const auto& n : tree) order.push_back(n.node);
        CHECK(order == std::vector<std::string>{"start", "ill", "severe", "mild", "well"});
        CHECK(tree[1].parent == "start");
        CHECK(tree[1].probability == Approx(0.2));
        CHECK(tree[3].probability == Approx(0.6));  // the complement
        CHECK(tree[3].reach == Approx(0.12));
        CHECK(tree[0].payoffs == std::vector<double>{150, 0, 0});
        CHECK(tree[2].payoffs == std::vector<double>{1000, 5, 6});
        CHECK(tree[4].label == "Well");
    }
    SECTION("an override of a parameter reaches the tree") {
        const auto o = TreeFolder().model().evaluate({{"p_ill", 0.5}});
        CHECK(o.strategies[0].costs[0] == Approx(100 + 0.5 * 50 + 0.2 * 1000 + 0.3 * 200));
    }
}

TEST_CASE("a tree ending in a two-state Markov model equals its closed form",
          "[tree][closed-form]") {
    const double q = 0.1, r = 0.035, p_die = 0.1;
    const int n = 40;
    // Birth: a share p_die dies at once, the rest enter Alive; a one-off cost at the root and a
    // QALY payoff on the survivors, then the Markov model (cost and utility 1 a year alive).
    ModelSpec spec = testing::two_state_model(q, n, "start", r);
    spec.initial.clear();
    spec.parameters.push_back({"p_die", format_double(p_die)});
    spec.tree = {{"*", "birth", "", ""},
                 {"*", "die", "birth", "p_die", "", "Dead"},
                 {"*", "live", "birth", "C", "", "Alive"}};
    spec.tree_payoffs = {{"*", "birth", "cost", "500"}, {"*", "live", "qaly", "0.5"}};
    const auto out = CompiledModel(spec).evaluate();
    const auto& s = out.strategies[0];
    // Alive at cycle t: (1 - p_die)(1 - q)^t, counted at the start of each cycle, discounted.
    const double a = (1 - q) / (1 + r);
    const double markov = (1 - p_die) * (1 - std::pow(a, n)) / (1 - a);
    CHECK(s.costs[0] == Approx(500 + markov).epsilon(1e-13));
    CHECK(s.qalys == Approx((1 - p_die) * 0.5 + markov).epsilon(1e-13));
    CHECK(s.life_years == Approx(markov).epsilon(1e-13));
    CHECK(s.trace(0, 0) == Approx(1 - p_die));
    CHECK(s.trace(0, 1) == Approx(p_die));
    // The per-cycle rewards are the Markov part alone: (1 - p_die)(1 - q)^t at points 0..n.
    CHECK(s.cycle_costs.sum() == Approx((1 - p_die) * (1 - std::pow(1 - q, n + 1)) / q));
}

TEST_CASE("a folder tree with a Markov tail reads and runs", "[tree][csv]") {
    const TreeFolder folder(markov_with_tree(kMarkovTree));
    const auto out = folder.model().evaluate();
    // Enter Alive: well + mild = 0.7 + 0.18 (usual care), 0.8 + 0.12 (screening); survival 0.8
    // a cycle, utility 1 a year; the tree's QALYs by hand as in the test above.
    const double alive[] = {0.88, 0.92};
    const double tree_qalys[] = {0.12 * 5 + 0.18 * 8 + 0.7 * 10, 0.08 * 5 + 0.12 * 8 + 0.8 * 10};
    for (std::size_t s = 0; s < 2; ++s) {
        double markov = 0;
        for (int t = 0; t <= 10; ++t)
            markov +=
                out.correction_weights[t] * out.outcome_discount[t] * alive[s] * std::pow(0.8, t);
        CHECK(out.strategies[s].trace(0, 0) == Approx(alive[s]));
        CHECK(out.strategies[s].trace(0, 1) == Approx(1 - alive[s]));
        CHECK(out.strategies[s].qalys == Approx(tree_qalys[s] + markov).epsilon(1e-13));
    }
}

TEST_CASE("tree folders round trip through write_model_folder", "[tree][csv]") {
    for (const auto& files : {kTreeFolder, markov_with_tree(kMarkovTree)}) {
        const TreeFolder folder(files);
        const ModelSpec spec = folder.spec();
        TempDir copy;
        write_model_folder(spec, copy.str());
        const ModelSpec back = read_model_folder(copy.str());
        REQUIRE(back.tree.size() == spec.tree.size());
        for (std::size_t i = 0; i < spec.tree.size(); ++i) {
            CHECK(back.tree[i].node == spec.tree[i].node);
            CHECK(back.tree[i].parent == spec.tree[i].parent);
            CHECK(back.tree[i].probability == spec.tree[i].probability);
            CHECK(back.tree[i].label == spec.tree[i].label);
            CHECK(back.tree[i].markov_state == spec.tree[i].markov_state);
            CHECK(back.tree[i].strategy == spec.tree[i].strategy);
        }
        REQUIRE(back.tree_payoffs.size() == spec.tree_payoffs.size());
        const auto a = CompiledModel(spec).evaluate();
        const auto b = CompiledModel(back).evaluate();
        for (std::size_t s = 0; s < a.strategies.size(); ++s) {
            CHECK(a.strategies[s].costs == b.strategies[s].costs);
            CHECK(a.strategies[s].qalys == b.strategies[s].qalys);
        }
        CHECK(std::filesystem::exists(copy / "states.csv") == !spec.states.empty());
    }
}

TEST_CASE("present values: discount_factor, annuity, annuity_from", "[tree][expression]") {
    const double r = 0.035;
    const double v = 1 / (1 + r);
    CHECK(evaluate("discount_factor(0.035, 10)") == Approx(std::pow(1 + r, -10)).epsilon(1e-15));
    for (int n : {1, 2, 5, 10, 40}) {
        // annuity(r, n) = (1 - (1+r)^-n) / (1 - (1+r)^-1): 1 at the start of each of n years.
        const double closed = (1 - std::pow(1 + r, -n)) / (1 - std::pow(1 + r, -1));
        CHECK(evaluate("annuity(r, n)", {{"r", r}, {"n", n}}) == Approx(closed).epsilon(1e-14));
        double sum = 0;
        for (int k = 0; k < n; ++k) sum += std::pow(v, k);
        CHECK(evaluate("annuity(r, n)", {{"r", r}, {"n", n}}) == Approx(sum).epsilon(1e-14));
    }
    CHECK(evaluate("annuity(0.035, 2.5)") == Approx(1 + v + 0.5 * v * v).epsilon(1e-15));
    CHECK(evaluate("annuity(0, 7.25)") == 7.25);
    CHECK(evaluate("annuity(1e-12, 10)") == Approx(10).epsilon(1e-10));  // continuous at r = 0
    CHECK(evaluate("annuity(0.035, 0)") == 0);
    CHECK(evaluate("annuity_from(0.035, 3, 5)") ==
          Approx(std::pow(v, 3) * (1 - std::pow(v, 5)) / (1 - v)).epsilon(1e-14));
    CHECK(evaluate("annuity_from(0.035, 3, 5)") ==
          Approx(evaluate("annuity(0.035, 8)") - evaluate("annuity(0.035, 3)")).epsilon(1e-14));

    SECTION("bad arguments are errors naming the function and the argument") {
        CHECK_THROWS_WITH(evaluate("annuity(r, n)", {{"r", r}, {"n", -1}}),
                          Contains("test") && Contains("annuity()") && Contains("n = -1"));
        CHECK_THROWS_WITH(evaluate("annuity(r, 5)", {{"r", -1}}),
                          Contains("annuity()") && Contains("must be above -1"));
        CHECK_THROWS_WITH(evaluate("discount_factor(r, 5)", {{"r", -1.5}}),
                          Contains("discount_factor()") && Contains("-1.5"));
        CHECK_THROWS_WITH(evaluate("annuity_from(0.035, 2, -3)"), Contains("annuity_from()"));
    }
    SECTION("they are listed in the help") {
        std::vector<std::string> names;
        for (const auto& kv : expression_function_help()) names.push_back(kv.first);
        CHECK_THAT(names, Catch::VectorContains(std::string("annuity(r, n)")));
        CHECK_THAT(names, Catch::VectorContains(std::string("discount_factor(r, t)")));
        CHECK_THAT(names, Catch::VectorContains(std::string("annuity_from(r, start, n)")));
    }
}

TEST_CASE("tree validation errors name the file, line, column, node, strategy and fix",
          "[tree][errors]") {
    // Trees of their own, with a payoff on the root that every one of them has.
    const auto tree_error = [](const std::string& rows) {
        return error_of(TreeFolder({{"tree.csv", with_tree(rows)},
                                    {"tree_payoffs.csv", "node,category,value\nstart,qaly,1\n"}}));
    };
    SECTION("unknown parent") {
        const auto e =
            tree_error("start,,,,,\nill,start,0.3,,,\nsevere,ilL,1,,,\nwell,start,C,,,\n");
        CHECK_THAT(e, Contains("tree.csv:4:2") && Contains("node 'severe'") &&
                          Contains("unknown parent 'ilL'") && Contains("did you mean 'ill'") &&
                          Contains("strategy usual") && Contains("Name a node"));
    }
    SECTION("more than one root") {
        const auto e = tree_error("start,,,,,\nill,start,0.3,,,\nwell,,C,,,\n");
        CHECK_THAT(e, Contains("tree.csv:4:2") && Contains("more than one root") &&
                          Contains("'start' and 'well'") && Contains("Give every node"));
    }
    SECTION("no root") {
        const auto e = tree_error("start,well,0.5,,,\nwell,start,0.5,,,\n");
        CHECK_THAT(e, Contains("tree.csv") && Contains("has no root") &&
                          Contains("Leave the parent cell empty"));
    }
    SECTION("a cycle of parents") {
        const auto e =
            tree_error("start,,,,,\nill,start,C,,,\nloop_a,loop_b,0.5,,,\nloop_b,loop_a,0.5,,,\n");
        CHECK_THAT(e, Contains("tree.csv:") && Contains("cycle") &&
                          Contains("loop_a -> loop_b -> loop_a") && Contains("end at the root"));
    }
    SECTION("a probability outside [0, 1]") {
        const auto e = tree_error("start,,,,,\nill,start,1.4,,,\nwell,start,C,,,\n");
        CHECK_THAT(e, Contains("tree.csv:3:3") && Contains("strategy 'usual'") &&
                          Contains("chance node 'start'") && Contains("branch 'ill' is 1.4") &&
                          Contains("[0, 1]"));
    }
    SECTION("branches not summing to 1") {
        const auto e = tree_error("start,,,,,\nill,start,0.25,,,\nwell,start,0.5,,,\n");
        CHECK_THAT(e, Contains("tree.csv:3:3") && Contains("chance node 'start'") &&
                          Contains("sum to 0.75, not 1") && Contains("write C"));
    }
    SECTION("a negative complement, in one strategy only") {
        const auto e = tree_error(
            "start,,,,,\nill,start,0.3,,,\nill,start,0.8,,,screen\nother,start,0.3,,,\n"
            "well,start,C,,,\n");
        CHECK_THAT(e, Contains("tree.csv:6:3") && Contains("strategy 'screen'") &&
                          Contains("complement (C) of branch 'well' is -0.1"));
    }
    SECTION("more than one C at a chance node") {
        const auto e = tree_error("start,,,,,\nill,start,C,,,\nwell,start,C,,,\n");
        CHECK_THAT(e, Contains("tree.csv:4:3") && Contains("more than one complement") &&
                          Contains("'ill' and 'well'") && Contains("at most one branch"));
    }
    SECTION("the root with a probability, a branch without one") {
        CHECK_THAT(tree_error("start,,1,,,\nwell,start,C,,,\n"),
                   Contains("tree.csv:2:3") && Contains("is the root but has a probability"));
        CHECK_THAT(
            tree_error("start,,,,,\nill,start,,,,\nwell,start,C,,,\n"),
            Contains("tree.csv:3:3") && Contains("node 'ill'") && Contains("has no probability"));
    }
    SECTION("markov_state without a Markov model") {
        const auto e = tree_error("start,,,,,\nwell,start,C,,Alive,\n");
        CHECK_THAT(e, Contains("tree.csv:3:5") && Contains("node 'well'") &&
                          Contains("has no states") && Contains("states.csv"));
    }
    SECTION("markov_state on a chance node, or naming an unknown state") {
        auto files = markov_with_tree(
            "start,,,,,\nill,start,p_ill,,Alive,\nsevere,ill,0.4,,Dead,\nmild,ill,C,,Alive,\n"
            "well,start,C,,Alive,\n");
        CHECK_THAT(error_of(TreeFolder(files)),
                   Contains("tree.csv:3:5") && Contains("node 'ill'") && Contains("has branches") &&
                       Contains("only to terminal nodes"));
        files["tree.csv"] = with_tree(
            "start,,,,,\nill,start,p_ill,,,\nsevere,ill,0.4,,Dead,\n"
            "mild,ill,C,,Alve,\nwell,start,C,,Alive,\n");
        CHECK_THAT(error_of(TreeFolder(files)),
                   Contains("tree.csv:5:5") && Contains("unknown markov_state 'Alve'") &&
                       Contains("did you mean 'Alive'") && Contains("Alive, Dead"));
    }
    SECTION("the Markov model's starting shares come from the tree") {
        auto files = markov_with_tree(kMarkovTree);
        files["states.csv"] = "name,alive,initial\nAlive,true,1\nDead,false,0\n";
        CHECK_THAT(error_of(TreeFolder(files)), Contains("states.csv:2:3") &&
                                                    Contains("starting shares") &&
                                                    Contains("Remove the initial column"));
    }
    SECTION("a payoff in an unknown category or for an unknown node") {
        const std::string header = "strategy,node,category,value\n";
        CHECK_THAT(error_of(TreeFolder({{"tree_payoffs.csv", header + "*,ill,nhs_acut,5\n"}})),
                   Contains("tree_payoffs.csv:2:3") && Contains("unknown category 'nhs_acut'") &&
                       Contains("did you mean 'nhs_acute'") && Contains("cost_categories.csv"));
        CHECK_THAT(error_of(TreeFolder({{"tree_payoffs.csv", header + "*,ill,utility,5\n"}})),
                   Contains("tree_payoffs.csv:2:3") && Contains("under the category qaly"));
        CHECK_THAT(error_of(TreeFolder({{"tree_payoffs.csv", header + "screen,sevre,qaly,5\n"}})),
                   Contains("tree_payoffs.csv:2:2") && Contains("unknown node 'sevre'") &&
                       Contains("did you mean 'severe'") && Contains("strategy screen"));
    }
    SECTION("a tree without payoffs") {
        const std::map<std::string, std::string> no_payoffs = {{"tree_payoffs.csv", ""}};
        const TreeFolder without_payoffs(no_payoffs);
        CHECK_THAT(error_of(without_payoffs),
                   Contains("tree.csv") && Contains("no payoffs") && Contains("tree_payoffs.csv"));
    }
    SECTION("a node given twice for the same strategy") {
        CHECK_THAT(tree_error("start,,,,,\nill,start,0.3,,,\nill,start,0.2,,,\nwell,start,C,,,\n"),
                   Contains("tree.csv:4") && Contains("given twice"));
    }
    SECTION("a tree without states needs no Markov files, a Markov model does") {
        TreeFolder folder;
        CHECK_NOTHROW(folder.spec());
        std::filesystem::remove(std::filesystem::path(folder.path()) / "tree.csv");
        CHECK_THROWS_WITH(folder.spec(), Contains("states.csv") && Contains("tree.csv"));
    }
}

TEST_CASE("PSA of a decision tree: the same on 1 and 2 threads, each sample a run", "[tree][psa]") {
    for (const auto& files : {kTreeFolder, markov_with_tree(kMarkovTree)}) {
        const auto model = TreeFolder(files).model();
        PsaOptions o;
        o.n_samples = 300;
        o.seed = 11;
        o.threads = 1;
        const auto one = run_psa(model, o);
        o.threads = 2;
        const auto two = run_psa(model, o);
        REQUIRE(one.values == two.values);
        // Sample k is the model run with sample k's parameter values.
        const std::size_t n_out = one.outcomes.size(), n_strat = one.strategies.size();
        for (std::size_t k : {std::size_t{0}, std::size_t{57}, std::size_t{299}}) {
            std::map<std::string, double> values;
            for (std::size_t j = 0; j < one.parameters.size(); ++j)
                values[one.parameters[j]] = one.parameter_values[k * one.parameters.size() + j];
            const auto run = model.evaluate(values, {false, false});
            for (std::size_t s = 0; s < n_strat; ++s) {
                const double* row = &one.values[(k * n_strat + s) * n_out];
                CHECK(row[0] == Approx(run.strategies[s].costs[0]).epsilon(1e-12));
                CHECK(row[n_out - 2] == Approx(run.strategies[s].qalys).epsilon(1e-12));
                CHECK(row[n_out - 1] == Approx(run.strategies[s].life_years).epsilon(1e-12));
            }
        }
    }
}
