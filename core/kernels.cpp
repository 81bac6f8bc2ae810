#include "kernels.hpp"

#include <cmath>
#include <limits>
#include <utility>

#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define PARITY_CLONES __attribute__((target_clones("avx2", "default")))
// The dense product of a large model is worth 512-bit vectors where the machine has them. No
// clone uses fused multiply-adds (the build does not contract a * b + c), so all give the same
// bits.
#define PARITY_WIDE_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define PARITY_CLONES
#define PARITY_WIDE_CLONES
#endif

namespace parity::kernels {

PARITY_CLONES void add_product_wide(double* out, const double* a, const double* x, std::size_t n) {
    for (std::size_t b = 0; b < n; ++b) out[b] += a[b] * x[b];
}

PARITY_CLONES void set_product_wide(double* out, const double* a, const double* x, std::size_t n) {
    for (std::size_t b = 0; b < n; ++b) out[b] = a[b] * x[b];
}

PARITY_CLONES void add_triple_product_wide(double* out, const double* a, const double* x,
                                           const double* y, std::size_t n) {
    for (std::size_t b = 0; b < n; ++b) out[b] += a[b] * x[b] * y[b];
}

PARITY_CLONES void add_scaled_product_wide(double* out, double scale, const double* a,
                                           const double* x, std::size_t n) {
    for (std::size_t b = 0; b < n; ++b) out[b] += scale * a[b] * x[b];
}

PARITY_CLONES void add_scaled_wide(double* out, double scale, const double* x, std::size_t n) {
    for (std::size_t b = 0; b < n; ++b) out[b] += scale * x[b];
}

// The checks count the elements that pass rather than and-ing booleans, a form the compiler
// vectorises; a NaN fails every comparison, so it never passes.
PARITY_CLONES bool add_probabilities(double* sum, const double* p, std::size_t n) {
    std::size_t inside = 0;
    for (std::size_t b = 0; b < n; ++b) {
        inside += (p[b] >= 0.0) & (p[b] <= 1.0);
        sum[b] += p[b];
    }
    return inside == n;
}

PARITY_CLONES bool complement_of(double* complement, const double* sum, double tolerance,
                                 std::size_t n) {
    std::size_t ok = 0;
    for (std::size_t b = 0; b < n; ++b) {
        const double rest = 1.0 - sum[b];
        ok += rest >= -tolerance;
        complement[b] = rest > 0.0 ? rest : 0.0;
    }
    return ok == n;
}

PARITY_CLONES bool sums_to_one(const double* sum, double tolerance, std::size_t n) {
    std::size_t ok = 0;
    for (std::size_t b = 0; b < n; ++b) ok += std::abs(sum[b] - 1.0) <= tolerance;
    return ok == n;
}

PARITY_CLONES bool all_finite(const double* x, std::size_t n) {
    std::size_t ok = 0;
    // |x| <= max is false for infinities and NaN alike.
    for (std::size_t b = 0; b < n; ++b) ok += std::abs(x[b]) <= std::numeric_limits<double>::max();
    return ok == n;
}

namespace {

// Columns [j0, j0 + W) of out = P^T m, the W sums held in registers across the rows of P.
// Each column is summed over the rows in order, with separate multiplies and adds (no fused
// multiply-add in either clone), so every machine gives the same bits.
template <std::size_t W>
[[gnu::always_inline]] inline void transposed_columns(double* out, const double* P, const double* m,
                                                      std::size_t rows, std::size_t cols,
                                                      std::size_t j0) {
    double acc[W] = {};
    for (std::size_t i = 0; i < rows; ++i) {
        const double mi = m[i];
        const double* row = P + i * cols + j0;
        for (std::size_t j = 0; j < W; ++j) acc[j] += mi * row[j];
    }
    for (std::size_t j = 0; j < W; ++j) out[j0 + j] = acc[j];
}

}  // namespace

// The last columns, fewer than 64, in at most two passes (a multiple of 4 wide, then 1 to 3):
// a pass over P costs at least the sums' add latency per row however narrow it is, so one wide
// pass beats several narrow ones. The widths are picked without a table of function pointers so
// each stays inlined into the caller's clone.
template <std::size_t Step, std::size_t... K>
[[gnu::always_inline]] inline std::size_t columns_pass(double* out, const double* P,
                                                       const double* m, std::size_t rows,
                                                       std::size_t cols, std::size_t j0,
                                                       std::size_t width,
                                                       std::index_sequence<K...>) {
    ((width == Step * (K + 1) ? transposed_columns<Step*(K + 1)>(out, P, m, rows, cols, j0)
                              : void()),
     ...);
    return j0 + width;
}

PARITY_WIDE_CLONES void transposed_product(double* out, const double* P, const double* m,
                                           std::size_t rows, std::size_t cols) {
    std::size_t j = 0;
    for (; j + 64 <= cols; j += 64) transposed_columns<64>(out, P, m, rows, cols, j);
    j = columns_pass<4>(out, P, m, rows, cols, j, (cols - j) / 4 * 4,
                        std::make_index_sequence<15>());
    columns_pass<1>(out, P, m, rows, cols, j, cols - j, std::make_index_sequence<3>());
}

}  // namespace parity::kernels
