// Inner loops of the model that OpenBLAS has no routine for. Each is compiled for several x86-64 levels
// (AVX-512, AVX2, baseline) and picked at load time for the running CPU, which Swift code cannot do.
#ifndef PLRP_KERNELS_H
#define PLRP_KERNELS_H

#include <stdint.h>

/// Output channels per block of a tap table; tables and padded rows hold whole blocks.
#define PLRP_LANES 16

/// The geometry of a 1-D convolution over one-hot input (4 channels, one code per position).
typedef struct {
    long length;    ///< input positions
    long lout;      ///< output positions
    long cout;      ///< output channels
    long blocks;    ///< ceil(cout / PLRP_LANES)
    long taps;      ///< kernel size
    long stride;
    long dilation;
    long left;      ///< zeros padded before the input
} plrp_onehot_conv;

/// Bytes of scratch memory either kernel needs for one item.
long plrp_onehot_conv_scratch_bytes(const plrp_onehot_conv *g);

/// One item's forward pass. `codes[p]` is 0–3 for the base at position p, 4 for none. `table` holds, for tap j and
/// code c, the weight column W[:, c, j] at `table + (j·5 + c)·blocks·PLRP_LANES` (padding channels 0); `bias` holds
/// blocks·PLRP_LANES values. Writes `out` as [cout, lout].
void plrp_onehot_conv_forward(const plrp_onehot_conv *g, const uint8_t *codes, const float *table, const float *bias,
                              void *scratch, float *out);

/// One item's `x ⊙ Wᵀs` for one-hot x: `s` is [cout, lout]; `out`
/// ([4, length], zero on entry) receives, at each position with a base, the value of that base's channel.
void plrp_onehot_conv_input_times_transposed(const plrp_onehot_conv *g, const uint8_t *codes, const float *table,
                                             const float *s, void *scratch, float *out);

/// Output channels per block of the direct convolution; it runs when the output channels are a multiple of this.
#define PLRP_CONV_OUT_BLOCK 8

/// A stride-1 convolution over rows that hold several items side by side, each with its padding: every output
/// position `t < columns` is computed from `x[ci][t + j·dilation]`, so positions whose window spans two items are
/// computed too and dropped by the caller.
typedef struct {
    long cin;
    long cout;      ///< a multiple of PLRP_CONV_OUT_BLOCK (or below it, for the small kernel)
    long taps;
    long dilation;
    long columns;   ///< output positions per row, a multiple of PLRP_LANES
    long row;       ///< floats per input row, at least columns + (taps − 1)·dilation
} plrp_direct_conv;

/// Packs weight [cout, cin, taps] as the kernel reads it: [cout / 8][cin][taps][8], cout·cin·taps floats.
void plrp_direct_conv_pack(const plrp_direct_conv *g, const float *weight, float *packed);

/// y[o][t] = bias[o] + Σ_ci Σ_j w[o][ci][j] · x[ci][t + j·dilation] for t < columns; `x` is [cin][row], `y` is
/// [cout][columns].
void plrp_direct_conv_forward(const plrp_direct_conv *g, const float *packed, const float *bias, const float *x,
                              float *y);

/// The same with 8-float vectors, which `plrp_direct_conv_forward` runs on CPUs without AVX-512 (callable on any CPU,
/// so that tests cover it everywhere). Sums in the same order, so the results are identical.
void plrp_direct_conv_forward_narrow(const plrp_direct_conv *g, const float *packed, const float *bias,
                                     const float *x, float *y);

/// The same for fewer than PLRP_CONV_OUT_BLOCK output channels (`cout` 1–7): `packed` holds one block,
/// PLRP_CONV_OUT_BLOCK·cin·taps floats from `plrp_direct_conv_pack`, lanes from `cout` on zero. Sums in the same
/// order as `plrp_direct_conv_forward`.
void plrp_direct_conv_forward_small(const plrp_direct_conv *g, const float *packed, const float *bias,
                                    const float *x, float *y);

/// Its 8-float form, which CPUs without AVX-512 run (identical results).
void plrp_direct_conv_forward_small_narrow(const plrp_direct_conv *g, const float *packed, const float *bias,
                                           const float *x, float *y);

/// Max pooling with window and stride 4 over `rows` rows of `length` values: out[r][t] = max of in[r][4t … 4t+3],
/// `length / 4` outputs per row (a trailing partial window is dropped, as PyTorch does).
void plrp_max_pool4(const float *in, long rows, long length, float *out);

/// Its gradient: each output's gradient goes to the position that won its window (the first of equal maxima),
/// every other position of `grad_in` ([rows, length]) is set to 0.
void plrp_max_pool4_backward(const float *in, const float *grad_out, long rows, long length, float *grad_in);

#endif
