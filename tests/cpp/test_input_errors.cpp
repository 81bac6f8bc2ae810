// Errors that lead back to the input a person typed: a source missing under require_sources
// (at load, or for a model built in code when it is compiled or written), a probability typed as
// a percentage (at load when its unit says probability), and a computed value that is NaN,
// infinite or not a probability, traced to the parameters it reads with their values and lines.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "model_builders.hpp"
#include "parity/cohort.hpp"
#include "parity/csv_io.hpp"
#include "parity/input_checks.hpp"
#include "temp_folder.hpp"

using Catch::Contains;
using parity::CompiledModel;
using parity::InputError;
using parity::ModelError;
using parity::ModelSpec;
using parity::testing::TempDir;
using parity::testing::two_state_model;
using parity::testing::write_file;

namespace {

// Alive -> Dead with p_die from parameters.csv (`parameters` is the file after its header).
void write_folder(const TempDir& dir, const std::string& parameters,
                  const std::string& settings = "") {
    write_file(dir / "settings.csv", "setting,value\nn_cycles,3\n" + settings);
    write_file(dir / "parameters.csv", "name,value,unit,source\n" + parameters);
    write_file(dir / "states.csv", "name,alive,initial\nAlive,true,1\nDead,false,\n");
    write_file(dir / "strategies.csv", "name\nusual\n");
    write_file(dir / "transitions.csv",
               "from,to,probability\nAlive,Dead,p_die\nAlive,Alive,C\nDead,Dead,1\n");
    write_file(dir / "state_rewards.csv", "state,category,value\nAlive,utility,1\n");
}

std::string message_of_run(const ModelSpec& spec) {
    try {
        CompiledModel(spec).evaluate();
    } catch (const ModelError& e) {
        return e.what();
    }
    FAIL("the model ran");
    return {};
}

}  // namespace

TEST_CASE("an empty source fails the load under require_sources", "[input_errors]") {
    TempDir dir;
    write_folder(dir, "p_die,0.1,probability per cycle,ONS 2023\nc_A,100,GBP, \n",
                 "require_sources,true\n");
    REQUIRE_THROWS_AS(parity::read_model_folder(dir.str()), InputError);
    REQUIRE_THROWS_WITH(parity::read_model_folder(dir.str()),
                        Contains(dir / "parameters.csv:3:4 (column 'source')") &&
                            Contains("parameter 'c_A' has no source") &&
                            Contains("Give a citation") && Contains("'Assumption: <reasoning>'"));
}

TEST_CASE("a model built in code with an empty source is not compiled", "[input_errors]") {
    auto spec = two_state_model(0.1, 3);
    spec.settings.require_sources = true;
    for (auto& p : spec.parameters) p.source = "Assumption: a round number for the test";
    CHECK_NOTHROW(CompiledModel(spec));
    spec.parameters[1].source = "";
    spec.parameters[1].where = {"build_model.py", 12, 0, ""};
    REQUIRE_THROWS_AS(CompiledModel(spec), ModelError);
    REQUIRE_THROWS_WITH(CompiledModel(spec), Contains("build_model.py:12: parameter 'c_alive' "
                                                      "has no source") &&
                                                 Contains("'Assumption: <reasoning>'"));
}

TEST_CASE("a model built in code with an empty source is not written", "[input_errors]") {
    TempDir dir;
    auto spec = two_state_model(0.1, 3);
    spec.settings.require_sources = true;
    spec.parameters[0].source = "Assumption: a round number for the test";
    spec.parameters[1].where = {"build_model.py", 7, 0, ""};
    const std::string target = dir / "model";
    REQUIRE_THROWS_AS(parity::write_model_folder(spec, target), ModelError);
    REQUIRE_THROWS_WITH(parity::write_model_folder(spec, target),
                        Contains("build_model.py:7: parameter 'c_alive' has no source"));
    CHECK_FALSE(std::filesystem::exists(target));
}

TEST_CASE("a percentage typed for a probability fails the load", "[input_errors]") {
    TempDir dir;
    write_folder(dir,
                 "pr_relapse_2y,26.8,probability over 2 years,Hardeveld 2013\n"
                 "p_die,\"rescale_prob(pr_relapse_2y, 2)\",probability per cycle,derived\n");
    REQUIRE_THROWS_AS(parity::read_model_folder(dir.str()), InputError);
    REQUIRE_THROWS_WITH(
        parity::read_model_folder(dir.str()),
        Contains(dir / "parameters.csv:2:2 (column 'value')") &&
            Contains("parameter 'pr_relapse_2y' is 26.8, but its unit is 'probability over 2 "
                     "years': a probability must lie in [0, 1]") &&
            Contains("was a percentage typed? Write 0.268 for 26.8%"));
    write_folder(dir, "p_die,-0.1,share,x\n");
    REQUIRE_THROWS_WITH(parity::read_model_folder(dir.str()),
                        Contains("parameters.csv:2:2") && Contains("cannot be negative"));
    // Units that are not probabilities keep their values; expressions are checked when run.
    write_folder(dir, "p_die,0.1,probability,x\nuptake,26.8,percent,x\nrr,1.5,relative risk,x\n");
    CHECK_NOTHROW(CompiledModel(parity::read_model_folder(dir.str())).evaluate());
}

TEST_CASE("a probability unit is checked for models built in code", "[input_errors]") {
    auto spec = two_state_model(0.1, 3);
    spec.parameters[0].expression = "10";
    spec.parameters[0].unit = "probability per cycle";
    spec.parameters[0].where = {"build_model.py", 3, 0, ""};
    REQUIRE_THROWS_WITH(CompiledModel(spec), Contains("build_model.py:3: parameter 'q' is 10") &&
                                                 Contains("Write 0.1 for 10%"));
}

TEST_CASE("a NaN parameter names the inputs it reads, with values and lines", "[input_errors]") {
    TempDir dir;
    // No units: the p_/pr_ names still mark probabilities.
    write_folder(dir,
                 "pr_relapse_2y,26.8,,Hardeveld 2013\n"
                 "p_relapse,\"rescale_prob(pr_relapse_2y, 2)\",,derived\n"
                 "p_die,p_relapse / 2,,derived\n");
    const std::string message = message_of_run(parity::read_model_folder(dir.str()));
    CHECK_THAT(message,
               Contains(dir / "parameters.csv:3:2 (column 'value'): parameter 'p_relapse'") &&
                   Contains("'rescale_prob(pr_relapse_2y, 2)' evaluates to nan (cycle 0)") &&
                   Contains("It reads pr_relapse_2y = 26.8 (" + (dir / "parameters.csv:2") + ")") &&
                   Contains("pr_relapse_2y = 26.8: a probability must lie in [0, 1]; was a "
                            "percentage typed? Write 0.268 for 26.8%"));
}

TEST_CASE("an infinite reward names the derived and typed inputs behind it", "[input_errors]") {
    auto spec = two_state_model(0.1, 3);
    spec.parameters = {
        {"q", "0.1"}, {"n_per_year", "0"}, {"c_visit", "120"}, {"c_alive", "c_visit / n_per_year"}};
    spec.parameters[1].where = {"parameters.csv", 3, 2, "value"};
    spec.parameters[3].where = {"parameters.csv", 5, 2, "value"};
    spec.state_rewards[0].expression = "c_alive * (1 + age / 100)";
    spec.state_rewards[0].where = {"state_rewards.csv", 2, 4, "value"};
    spec.settings.start_age = 40;
    const std::string message = message_of_run(spec);
    // c_alive is evaluated first, as a parameter; it reads two typed inputs.
    CHECK_THAT(message, Contains("parameter 'c_alive': 'c_visit / n_per_year' evaluates to inf") &&
                            Contains("It reads c_visit = 120, n_per_year = 0 (parameters.csv:3)"));
    // A reward's expression lists the derived parameter, then what that reads, and age.
    spec.parameters[3].expression = "c_visit";
    spec.state_rewards[0].expression = "c_alive * (1 + age / 100) + 1 / n_per_year";
    const std::string reward = message_of_run(spec);
    CHECK_THAT(reward, Contains("state_rewards.csv:2:4 (column 'value'): cost of state Alive") &&
                           Contains("evaluates to inf") &&
                           Contains("It reads c_alive = 120 (= c_visit, parameters.csv:5), "
                                    "c_visit = 120, age = 40, n_per_year = 0 (parameters.csv:3)"));
}

TEST_CASE("a transition outside [0, 1] names the inputs it reads", "[input_errors]") {
    auto spec = two_state_model(0.1, 3);
    spec.parameters = {{"p_base", "0.7"}, {"hr", "2"}, {"q", "p_base * hr"}, {"c_alive", "1"}};
    spec.parameters[0].where = {"parameters.csv", 2, 2, "value"};
    const std::string message = message_of_run(spec);
    CHECK_THAT(message, Contains("the probability of moving to Dead is 1.4") &&
                            Contains("It reads q = 1.4 (= p_base * hr), p_base = 0.7 "
                                     "(parameters.csv:2), hr = 2. Probabilities must lie") &&
                            Contains("Probabilities must lie in [0, 1]"));
}
