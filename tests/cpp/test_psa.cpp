#include <catch2/catch.hpp>
#include <cmath>

#include "model_builders.hpp"
#include "parity/csv_io.hpp"
#include "parity/psa.hpp"

using namespace parity;

namespace {

CompiledModel sick_sicker(const std::string& name = "sick_sicker") {
    return CompiledModel(read_model_folder(std::string(PARITY_SOURCE_DIR) + "/params/" + name));
}

PsaOutcomes run(const CompiledModel& m, std::uint64_t n, unsigned threads, std::uint64_t first = 0,
                std::uint64_t seed = 7) {
    PsaOptions o;
    o.n_samples = n;
    o.seed = seed;
    o.threads = threads;
    o.first_sample = first;
    return run_psa(m, o);
}

}  // namespace

TEST_CASE("PSA results do not depend on threads or chunks", "[psa]") {
    const auto model = sick_sicker();
    const auto one = run(model, 1500, 1);
    const auto two = run(model, 1500, 2);
    REQUIRE(one.values == two.values);
    REQUIRE(one.parameter_values == two.parameter_values);
    // The same samples computed as two chunks [0, 600) and [600, 1500).
    const auto a = run(model, 600, 2, 0);
    const auto b = run(model, 900, 1, 600);
    std::vector<double> joined = a.values;
    joined.insert(joined.end(), b.values.begin(), b.values.end());
    REQUIRE(joined == one.values);
    REQUIRE(b.first_sample == 600);
    // Another seed gives other numbers.
    REQUIRE(run(model, 10, 1, 0, 8).values != run(model, 10, 1, 0, 7).values);
}

TEST_CASE("PSA samples are the model run at the sampled values", "[psa]") {
    const auto model = sick_sicker();
    const auto psa = run(model, 5, 2);
    const std::size_t ns = psa.strategies.size(), no = psa.outcomes.size();
    for (std::size_t s = 0; s < psa.n_samples; ++s) {
        std::map<std::string, double> overrides;
        for (std::size_t k = 0; k < psa.parameters.size(); ++k)
            overrides[psa.parameters[k]] = psa.parameter_values[s * psa.parameters.size() + k];
        const auto out = model.evaluate(overrides, EvaluateOptions{false, false});
        for (std::size_t k = 0; k < ns; ++k) {
            const double* v = &psa.values[(s * ns + k) * no];
            REQUIRE(v[no - 2] == Approx(out.strategies[k].qalys).epsilon(1e-12));
            REQUIRE(v[0] + v[1] == Approx(out.strategies[k].total_cost()).epsilon(1e-12));
        }
    }
}

TEST_CASE("Sick-Sicker PSA means sit close to the deterministic results", "[psa]") {
    // The distributions are centred near the base-case values and the model is smooth, so the
    // PSA means differ from the deterministic values by little. Not by nothing: the article's
    // u_H is 1 in the base case while its beta(200, 3) has mean 0.985, which alone lowers QALYs
    // by about 1%.
    for (const char* name : {"sick_sicker", "sick_sicker_age"}) {
        const auto model = sick_sicker(name);
        const auto base = model.evaluate(EvaluateOptions{false, false});
        const auto psa = run(model, 4000, 2);
        const std::size_t ns = psa.strategies.size(), no = psa.outcomes.size();
        for (std::size_t k = 0; k < ns; ++k) {
            double cost = 0, qaly = 0;
            for (std::size_t s = 0; s < psa.n_samples; ++s) {
                const double* v = &psa.values[(s * ns + k) * no];
                cost += v[0] + v[1];
                qaly += v[no - 2];
            }
            cost /= psa.n_samples;
            qaly /= psa.n_samples;
            INFO(name << " " << psa.strategies[k]);
            REQUIRE(cost == Approx(base.strategies[k].total_cost()).epsilon(0.03));
            REQUIRE(qaly == Approx(base.strategies[k].qalys).epsilon(0.02));
        }
    }
}

TEST_CASE("PSA progress is reported and can stop the run", "[psa]") {
    // The age-dependent model takes ~10 us a sample, so 20,000 samples on one thread take far
    // longer than the first report, which comes as soon as the workers start.
    const auto model = sick_sicker("sick_sicker_age");
    PsaOptions o;
    o.n_samples = 20000;
    o.threads = 1;
    int calls = 0;
    o.progress = [&](std::uint64_t done, std::uint64_t total) {
        REQUIRE(total == 20000);
        REQUIRE(done <= total);
        ++calls;
        return false;
    };
    const auto out = run_psa(model, o);
    REQUIRE_FALSE(out.complete);
    REQUIRE(calls == 1);

    std::uint64_t last = 0;
    o.n_samples = 3000;
    o.progress = [&](std::uint64_t done, std::uint64_t total) {
        REQUIRE(done >= last);
        last = done;
        REQUIRE(total == 3000);
        return true;
    };
    REQUIRE(run_psa(model, o).complete);
    REQUIRE(last == 3000);  // the last report comes when every sample is done
}

TEST_CASE("PSA bad input", "[psa][errors]") {
    const auto model = sick_sicker();
    REQUIRE_THROWS_WITH(run(model, 0, 1), Catch::Contains("at least one sample"));
    const CompiledModel fixed(testing::two_state_model(0.1, 5));
    REQUIRE_THROWS_WITH(run(fixed, 10, 1), Catch::Contains("has a distribution"));
    auto spec = read_model_folder(std::string(PARITY_SOURCE_DIR) + "/params/sick_sicker");
    spec.parameters[0].distribution = "gama";
    REQUIRE_THROWS_WITH(run(CompiledModel(spec), 10, 1), Catch::Contains("did you mean"));
}
