#include "kernels.h"
#include "simd.h"

// A stride-1 convolution computed straight from the input rows, without im2col copies or GEMM packing: a tile of
// output channels × 3 vectors of positions lives in accumulator registers, and every step over (input channel, tap)
// loads 3 input vectors and multiplies each by one broadcast weight per output channel. Blocks of positions run
// outermost, so the input they read stays in L1 while all output channels pass over it. The tile fits the register
// file: 8 channels × 3 × 16 floats in 24 of AVX-512's 32 registers, 4 channels × 2 × 8 floats in 8 of AVX2's 16
// (4 × 3 made clang shuffle and spill registers, at half the speed). On this machine's EPYC the AVX-512 kernel runs
// at 115 GFLOP/s on one core for the default model's second conv, the AVX2 one at 98 (OpenBLAS sgemm: 101).

void plrp_direct_conv_pack(const plrp_direct_conv *g, const float *weight, float *packed) {
    const long steps = g->cin * g->taps;
    for (long o = 0; o < g->cout; o++) {
        const long block = o / PLRP_CONV_OUT_BLOCK, lane = o % PLRP_CONV_OUT_BLOCK;
        for (long s = 0; s < steps; s++) {
            packed[(block * steps + s) * PLRP_CONV_OUT_BLOCK + lane] = weight[o * steps + s];
        }
    }
}

/// Output channels [base, base + OUTS) at positions [t, t + WIDTH·VECTORS), VEC holding WIDTH floats; the
/// accumulators start at the bias. `w` walks the packed weights of the channels' block, 8 per (channel, tap).
#define CONV_TILE(VEC, WIDTH, OUTS, VECTORS)                                                                          \
    do {                                                                                                              \
        VEC acc[OUTS][VECTORS];                                                                                       \
        _Pragma("clang loop unroll(full)") for (int o = 0; o < OUTS; o++) {                                           \
            _Pragma("clang loop unroll(full)") for (int v = 0; v < VECTORS; v++) acc[o][v] = bias[base + o];          \
        }                                                                                                             \
        const float *w = packed + block * steps * PLRP_CONV_OUT_BLOCK + (base - block * PLRP_CONV_OUT_BLOCK);         \
        for (long ci = 0; ci < g->cin; ci++) {                                                                        \
            const float *row = x + ci * g->row + t;                                                                   \
            for (long j = 0; j < g->taps; j++, w += PLRP_CONV_OUT_BLOCK) {                                            \
                const float *p = row + j * g->dilation;                                                               \
                VEC in[VECTORS];                                                                                      \
                _Pragma("clang loop unroll(full)") for (int v = 0; v < VECTORS; v++) in[v] = *(const VEC *)(p + WIDTH * v); \
                _Pragma("clang loop unroll(full)") for (int o = 0; o < OUTS; o++) {                                   \
                    _Pragma("clang loop unroll(full)") for (int v = 0; v < VECTORS; v++) acc[o][v] += w[o] * in[v];   \
                }                                                                                                     \
            }                                                                                                         \
        }                                                                                                             \
        _Pragma("clang loop unroll(full)") for (int o = 0; o < OUTS; o++) {                                           \
            _Pragma("clang loop unroll(full)") for (int v = 0; v < VECTORS; v++) {                                    \
                *(VEC *)(y + (base + o) * g->columns + t + WIDTH * v) = acc[o][v];                                    \
            }                                                                                                         \
        }                                                                                                             \
    } while (0)

/// The whole convolution with tiles of OUTS channels × VECTORS vectors, then single vectors for the last positions.
#define DIRECT_CONV(VEC, WIDTH, OUTS, VECTORS)                                                                        \
    do {                                                                                                              \
        const long steps = g->cin * g->taps, blocks = g->cout / PLRP_CONV_OUT_BLOCK;                                  \
        long t = 0;                                                                                                   \
        for (; t + VECTORS * WIDTH <= g->columns; t += VECTORS * WIDTH) {                                             \
            for (long block = 0; block < blocks; block++) {                                                           \
                for (long base = block * PLRP_CONV_OUT_BLOCK; base < (block + 1) * PLRP_CONV_OUT_BLOCK; base += OUTS) \
                    CONV_TILE(VEC, WIDTH, OUTS, VECTORS);                                                             \
            }                                                                                                         \
        }                                                                                                             \
        for (; t < g->columns; t += WIDTH) {                                                                          \
            for (long block = 0; block < blocks; block++) {                                                           \
                for (long base = block * PLRP_CONV_OUT_BLOCK; base < (block + 1) * PLRP_CONV_OUT_BLOCK; base += OUTS) \
                    CONV_TILE(VEC, WIDTH, OUTS, 1);                                                                   \
            }                                                                                                         \
        }                                                                                                             \
    } while (0)

/// Fewer than 8 output channels (a profile head's few tracks): groups of 4, 2 and 1 channels read lanes of the one
/// padded block of packed weights, each group with as many vectors of positions as keep its tile in registers.
#define SMALL_GROUP(VEC, WIDTH, OUTS, VECTORS)                                                                         \
    do {                                                                                                              \
        long t = 0;                                                                                                   \
        for (; t + VECTORS * WIDTH <= g->columns; t += VECTORS * WIDTH) CONV_TILE(VEC, WIDTH, OUTS, VECTORS);          \
        for (; t < g->columns; t += WIDTH) CONV_TILE(VEC, WIDTH, OUTS, 1);                                            \
    } while (0)

#define DIRECT_CONV_SMALL(VEC, WIDTH, V4, V2, V1)                                                                     \
    do {                                                                                                              \
        const long steps = g->cin * g->taps, block = 0;                                                               \
        long base = 0;                                                                                                \
        if (g->cout - base >= 4) {                                                                                    \
            SMALL_GROUP(VEC, WIDTH, 4, V4);                                                                           \
            base += 4;                                                                                                \
        }                                                                                                             \
        if (g->cout - base >= 2) {                                                                                    \
            SMALL_GROUP(VEC, WIDTH, 2, V2);                                                                           \
            base += 2;                                                                                                \
        }                                                                                                             \
        if (g->cout - base >= 1) SMALL_GROUP(VEC, WIDTH, 1, V1);                                                      \
    } while (0)

#if defined(__x86_64__)
__attribute__((target("arch=x86-64-v4"), min_vector_width(512)))
static void direct_conv_avx512(const plrp_direct_conv *g, const float *packed, const float *bias, const float *x,
                               float *y) {
    DIRECT_CONV(lanes, 16, 8, 3);
}

__attribute__((target_clones("arch=x86-64-v3", "default")))
void plrp_direct_conv_forward_narrow(const plrp_direct_conv *g, const float *packed, const float *bias,
                                     const float *x, float *y) {
    DIRECT_CONV(lanes8, 8, 4, 2);
}

/// Whether the CPU runs the AVX-512 kernel, decided once when the library loads (before any thread can call).
static int wide;

__attribute__((constructor)) static void detect_wide(void) {
    __builtin_cpu_init();
    wide = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
}

void plrp_direct_conv_forward(const plrp_direct_conv *g, const float *packed, const float *bias, const float *x,
                              float *y) {
    if (wide) {
        direct_conv_avx512(g, packed, bias, x, y);
    } else {
        plrp_direct_conv_forward_narrow(g, packed, bias, x, y);
    }
}

__attribute__((target("arch=x86-64-v4"), min_vector_width(512)))
static void direct_conv_small_avx512(const plrp_direct_conv *g, const float *packed, const float *bias,
                                     const float *x, float *y) {
    DIRECT_CONV_SMALL(lanes, 16, 6, 10, 14);
}

__attribute__((target_clones("arch=x86-64-v3", "default")))
void plrp_direct_conv_forward_small_narrow(const plrp_direct_conv *g, const float *packed, const float *bias,
                                           const float *x, float *y) {
    DIRECT_CONV_SMALL(lanes8, 8, 2, 4, 6);
}

void plrp_direct_conv_forward_small(const plrp_direct_conv *g, const float *packed, const float *bias,
                                    const float *x, float *y) {
    if (wide) {
        direct_conv_small_avx512(g, packed, bias, x, y);
    } else {
        plrp_direct_conv_forward_small_narrow(g, packed, bias, x, y);
    }
}
#else
void plrp_direct_conv_forward_narrow(const plrp_direct_conv *g, const float *packed, const float *bias,
                                     const float *x, float *y) {
    DIRECT_CONV(lanes8, 8, 4, 2);
}

void plrp_direct_conv_forward(const plrp_direct_conv *g, const float *packed, const float *bias, const float *x,
                              float *y) {
    plrp_direct_conv_forward_narrow(g, packed, bias, x, y);
}

void plrp_direct_conv_forward_small_narrow(const plrp_direct_conv *g, const float *packed, const float *bias,
                                           const float *x, float *y) {
    DIRECT_CONV_SMALL(lanes8, 8, 2, 4, 6);
}

void plrp_direct_conv_forward_small(const plrp_direct_conv *g, const float *packed, const float *bias,
                                    const float *x, float *y) {
    plrp_direct_conv_forward_small_narrow(g, packed, bias, x, y);
}
#endif
