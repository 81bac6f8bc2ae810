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

}  // namespace parity::kernels
