#include "kernels.h"
#include "simd.h"

// A stride-1 convolution computed straight from the input rows, without im2col copies or GEMM packing: a block of
// 8 output channels × 3 blocks of 16 positions lives in 24 accumulators (AVX-512 registers), and every step over
// (input channel, tap) loads 3 input blocks and multiplies each by 8 broadcast weights. Blocks of positions run
// outermost, so the input they read stays in L1 while all output channels pass over it.

void plrp_direct_conv_pack(const plrp_direct_conv *g, const float *weight, float *packed) {
    const long steps = g->cin * g->taps;
    for (long o = 0; o < g->cout; o++) {
        const long block = o / PLRP_CONV_OUT_BLOCK, lane = o % PLRP_CONV_OUT_BLOCK;
        for (long s = 0; s < steps; s++) {
            packed[(block * steps + s) * PLRP_CONV_OUT_BLOCK + lane] = weight[o * steps + s];
        }
    }
}

/// Output channels [8·block, 8·block + 8) at positions [t, t + 16·VECTORS): the accumulators start at the bias.
#define CONV_BLOCK(VECTORS)                                                                                          \
    do {                                                                                                             \
        lanes acc[PLRP_CONV_OUT_BLOCK][VECTORS];                                                                     \
        _Pragma("clang loop unroll(full)") for (int o = 0; o < PLRP_CONV_OUT_BLOCK; o++) {                           \
            _Pragma("clang loop unroll(full)") for (int v = 0; v < VECTORS; v++) acc[o][v] = bias[base + o];         \
        }                                                                                                            \
        const float *w = packed + block * steps * PLRP_CONV_OUT_BLOCK;                                               \
        for (long ci = 0; ci < g->cin; ci++) {                                                                       \
            const float *row = x + ci * g->row + t;                                                                  \
            for (long j = 0; j < g->taps; j++, w += PLRP_CONV_OUT_BLOCK) {                                           \
                const float *p = row + j * g->dilation;                                                              \
                lanes in[VECTORS];                                                                                   \
                _Pragma("clang loop unroll(full)") for (int v = 0; v < VECTORS; v++) in[v] = load(p + 16 * v);       \
                _Pragma("clang loop unroll(full)") for (int o = 0; o < PLRP_CONV_OUT_BLOCK; o++) {                   \
                    _Pragma("clang loop unroll(full)") for (int v = 0; v < VECTORS; v++) acc[o][v] += w[o] * in[v];  \
                }                                                                                                    \
            }                                                                                                        \
        }                                                                                                            \
        _Pragma("clang loop unroll(full)") for (int o = 0; o < PLRP_CONV_OUT_BLOCK; o++) {                           \
            _Pragma("clang loop unroll(full)") for (int v = 0; v < VECTORS; v++) {                                   \
                store(y + (base + o) * g->columns + t + 16 * v, acc[o][v]);                                          \
            }                                                                                                        \
        }                                                                                                            \
    } while (0)

CLONES
void plrp_direct_conv_forward(const plrp_direct_conv *g, const float *packed, const float *bias, const float *x,
                              float *y) {
    const long steps = g->cin * g->taps, blocks = g->cout / PLRP_CONV_OUT_BLOCK;
    long t = 0;
    for (; t + 48 <= g->columns; t += 48) {
        for (long block = 0; block < blocks; block++) {
            const long base = block * PLRP_CONV_OUT_BLOCK;
            CONV_BLOCK(3);
        }
    }
    for (; t < g->columns; t += 16) {
        for (long block = 0; block < blocks; block++) {
            const long base = block * PLRP_CONV_OUT_BLOCK;
            CONV_BLOCK(1);
        }
    }
}
