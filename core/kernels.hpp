// The innermost loops of the block evaluator: element-wise products over the samples of a
// block. The wide versions are compiled for AVX2 and for the baseline, and the machine picks at
// load time, so one build runs everywhere and uses wide vectors where they exist; a block of one
// sample (a deterministic run) stays inline.
#pragma once

#include <cstddef>

namespace parity::kernels {

void add_product_wide(double* out, const double* a, const double* x, std::size_t n);
void set_product_wide(double* out, const double* a, const double* x, std::size_t n);
void add_triple_product_wide(double* out, const double* a, const double* x, const double* y,
                             std::size_t n);
void add_scaled_product_wide(double* out, double scale, const double* a, const double* x,
                             std::size_t n);
void add_scaled_wide(double* out, double scale, const double* x, std::size_t n);

/// sum[b] += p[b]; whether every p[b] lies in [0, 1] (false for NaN).
bool add_probabilities(double* sum, const double* p, std::size_t n);
/// complement[b] = max(1 - sum[b], 0); whether every 1 - sum[b] >= -tolerance.
bool complement_of(double* complement, const double* sum, double tolerance, std::size_t n);
/// Whether every |sum[b] - 1| <= tolerance.
bool sums_to_one(const double* sum, double tolerance, std::size_t n);
/// Whether every x[b] is finite.
bool all_finite(const double* x, std::size_t n);

/// out = P^T m for a row-major rows x cols matrix P (the cohort's next occupancy, or the rewards
/// of a point). Columns are taken 32 at a time so their sums stay in registers while P streams
/// through once (P of a 100-state model is larger than the L1 cache, so its reads set the pace).
void transposed_product(double* out, const double* P, const double* m, std::size_t rows,
                        std::size_t cols);

/// out[b] += a[b] * x[b]
inline void add_product(double* out, const double* a, const double* x, std::size_t n) {
    if (n == 1)
        out[0] += a[0] * x[0];
    else
        add_product_wide(out, a, x, n);
}

/// out[b] = a[b] * x[b]
inline void set_product(double* out, const double* a, const double* x, std::size_t n) {
    if (n == 1)
        out[0] = a[0] * x[0];
    else
        set_product_wide(out, a, x, n);
}

/// out[b] += a[b] * x[b] * y[b]
inline void add_triple_product(double* out, const double* a, const double* x, const double* y,
                               std::size_t n) {
    if (n == 1)
        out[0] += a[0] * x[0] * y[0];
    else
        add_triple_product_wide(out, a, x, y, n);
}

/// out[b] += scale * a[b] * x[b]
inline void add_scaled_product(double* out, double scale, const double* a, const double* x,
                               std::size_t n) {
    if (n == 1)
        out[0] += scale * a[0] * x[0];
    else
        add_scaled_product_wide(out, scale, a, x, n);
}

/// out[b] += scale * x[b]
inline void add_scaled(double* out, double scale, const double* x, std::size_t n) {
    if (n == 1)
        out[0] += scale * x[0];
    else
        add_scaled_wide(out, scale, x, n);
}

}  // namespace parity::kernels
