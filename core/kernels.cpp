#include "kernels.hpp"

#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define PARITY_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define PARITY_CLONES
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

namespace {

// Columns [j0, j0 + W) of out = P^T m, the W sums held in registers across the rows of P.
// Each column is summed over the rows in order, with separate multiplies and adds (no fused
// multiply-add in either clone), so every machine gives the same bits.
template <std::size_t W>
inline void transposed_columns(double* out, const double* P, const double* m, std::size_t rows,
                               std::size_t cols, std::size_t j0) {
    double acc[W] = {};
    for (std::size_t i = 0; i < rows; ++i) {
        const double mi = m[i];
        const double* row = P + i * cols + j0;
        for (std::size_t j = 0; j < W; ++j) acc[j] += mi * row[j];
    }
    for (std::size_t j = 0; j < W; ++j) out[j0 + j] = acc[j];
}

}  // namespace

PARITY_CLONES void transposed_product(double* out, const double* P, const double* m,
                                      std::size_t rows, std::size_t cols) {
    std::size_t j = 0;
    for (; j + 32 <= cols; j += 32) transposed_columns<32>(out, P, m, rows, cols, j);
    for (; j + 4 <= cols; j += 4) transposed_columns<4>(out, P, m, rows, cols, j);
    for (; j < cols; ++j) transposed_columns<1>(out, P, m, rows, cols, j);
}

}  // namespace parity::kernels
