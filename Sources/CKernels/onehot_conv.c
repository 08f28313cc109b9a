#include "kernels.h"
#include "simd.h"

/// Positions whose sums are built position-major before being written out channel-major.
#define TILE 16

/// Lane indices for one transposition step at distance d: rows r (bit d clear) keep their lanes without bit d and take
/// the partner row's lanes (shifted down by d) where bit d is set; the partner row gets the rest.
#define KEEP8 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23
#define SWAP8 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31
#define KEEP4 0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27
#define SWAP4 4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31
#define KEEP2 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29
#define SWAP2 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31
#define KEEP1 0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30
#define SWAP1 1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31

/// One transposition step: rows r and r + D (for r with bit D clear) trade their off-diagonal D × D blocks.
#define STEP(D, KEEP, SWAP)                                                                                          \
    for (int r = 0; r < 16; r++) {                                                                                  \
        if (r & D) continue;                                                                                         \
        const lanes a = m[r], b = m[r + D];                                                                          \
        m[r] = __builtin_shufflevector(a, b, KEEP);                                                                  \
        m[r + D] = __builtin_shufflevector(a, b, SWAP);                                                              \
    }

/// Transposes a 16 × 16 block held as 16 rows: at distance d = 8, 4, 2, 1 the off-diagonal d × d blocks of every
/// 2d × 2d block trade places, which after the four steps leaves element (r, c) at (c, r).
static inline void transpose16(lanes *m) {
    STEP(8, KEEP8, SWAP8)
    STEP(4, KEEP4, SWAP4)
    STEP(2, KEEP2, SWAP2)
    STEP(1, KEEP1, SWAP1)
}


/// The sums of `count` positions of a tile from t0 on, for a layer of exactly BLOCKS blocks of channels, GROUP
/// positions at a time: each offset is loaded once for all blocks, and GROUP × BLOCKS independent running sums stay in
/// registers. `sums` receives row dt (BLOCKS·PLRP_LANES channels) for each position t0 + dt; `count` is a multiple of
/// GROUP.
#define TILE_SUMS(BLOCKS, GROUP)                                                                                     \
    static inline __attribute__((always_inline)) void tile_sums_##BLOCKS##_##GROUP(                                 \
        const plrp_onehot_conv *g, const long *offset, const float *table, const float *bias, long t0, long first,   \
        long count, float *sums) {                                                                                   \
        const long pad = BLOCKS * PLRP_LANES, tapStride = 5 * pad;                                                   \
        for (long dt = first; dt < first + count; dt += GROUP) {                                                     \
            lanes acc[GROUP][BLOCKS];                                                                                \
            for (int u = 0; u < GROUP; u++)                                                                          \
                for (int b = 0; b < BLOCKS; b++) acc[u][b] = load(bias + b * PLRP_LANES);                            \
            const long *at = offset + (t0 + dt) * g->stride;                                                         \
            for (long j = 0; j < g->taps; j++) {                                                                     \
                const float *tap = table + j * tapStride;                                                            \
                const long *a = at + j * g->dilation;                                                                \
                for (int u = 0; u < GROUP; u++) {                                                                    \
                    const float *column = tap + a[u * g->stride];                                                    \
                    for (int b = 0; b < BLOCKS; b++) acc[u][b] += load(column + b * PLRP_LANES);                     \
                }                                                                                                    \
            }                                                                                                        \
            for (int u = 0; u < GROUP; u++)                                                                          \
                for (int b = 0; b < BLOCKS; b++) store(sums + (dt + u) * pad + b * PLRP_LANES, acc[u][b]);           \
        }                                                                                                            \
    }
TILE_SUMS(4, 4)
TILE_SUMS(4, 1)
TILE_SUMS(8, 2)
TILE_SUMS(8, 1)

/// Writes block b of a tile's sums channel-major into `out`: `sums` holds the block's 16 channels of position t0 + dt at
/// `sums + dt·stride`. Whole 16 × 16 blocks go through registers, ragged edges one value at a time.
static inline __attribute__((always_inline)) void write_block(const plrp_onehot_conv *g, const float *sums, long stride,
                                                              long b, long t0, long span, float *out) {
    const long channels = g->cout - b * PLRP_LANES < PLRP_LANES ? g->cout - b * PLRP_LANES : PLRP_LANES;
    if (span == TILE && channels == PLRP_LANES) {
        lanes m[TILE];
        for (int r = 0; r < TILE; r++) m[r] = load(sums + r * stride);
        transpose16(m);
        for (int l = 0; l < PLRP_LANES; l++) store(out + (b * PLRP_LANES + l) * g->lout + t0, m[l]);
        return;
    }
    // Plain moves: vectorised, this transposition becomes gathers, which cost more than the sums.
    for (long l = 0; l < channels; l++) {
        float *row = out + (b * PLRP_LANES + l) * g->lout + t0;
#pragma clang loop vectorize(disable)
        for (long dt = 0; dt < span; dt++) row[dt] = sums[dt * stride + l];
    }
}

/// Input positions the forward pass reads, padding included: (lout − 1)·stride + (taps − 1)·dilation + 1.
static long padded_positions(const plrp_onehot_conv *g) {
    return (g->lout - 1) * g->stride + (g->taps - 1) * g->dilation + 1;
}

/// Rows of s the transposed pass reads at stride 1: steps left − (taps − 1)·dilation … length − 1 + left.
static long padded_steps(const plrp_onehot_conv *g) { return g->length + (g->taps - 1) * g->dilation; }

/// Rows of position-major s the transposed pass keeps: from `origin` on, covering every output step and, at
/// stride 1, every step a tap can reach (those outside the output stay zero, so the taps need no bounds checks).
static void step_rows(const plrp_onehot_conv *g, long *origin, long *rows) {
    if (g->stride != 1) {
        *origin = 0;
        *rows = g->lout;
        return;
    }
    const long first = g->left - (g->taps - 1) * g->dilation, end = first + padded_steps(g);
    *origin = first < 0 ? first : 0;
    *rows = (end > g->lout ? end : g->lout) - *origin;
}

long plrp_onehot_conv_scratch_bytes(const plrp_onehot_conv *g) {
    long origin, rows;
    step_rows(g, &origin, &rows);
    const long forward = padded_positions(g) * (long)sizeof(long);
    const long transposed = rows * g->blocks * PLRP_LANES * (long)sizeof(float);
    return forward > transposed ? forward : transposed;
}

CLONES
void plrp_onehot_conv_forward(const plrp_onehot_conv *g, const uint8_t *codes, const float *table, const float *bias,
                              void *scratch, float *out) {
    const long pad = g->blocks * PLRP_LANES, positions = padded_positions(g);
    // Each padded position's offset into the table: code·pad, with padding and N reading the zero column of code 4.
    long *offset = scratch;
    for (long p = 0; p < positions; p++) {
        const long i = p - g->left;
        offset[p] = (i >= 0 && i < g->length && codes[i] < 4 ? codes[i] : 4) * pad;
    }
    const long tapStride = 5 * pad;
    if (g->blocks == 4 || g->blocks == 8) {
        // The usual widths (64 channels, or 128 for a conv stacked with its W⁺ copy): all blocks at once.
        float sums[TILE * 8 * PLRP_LANES];
        for (long t0 = 0; t0 < g->lout; t0 += TILE) {
            const long span = g->lout - t0 < TILE ? g->lout - t0 : TILE;
            if (g->blocks == 4) {
                tile_sums_4_4(g, offset, table, bias, t0, 0, span / 4 * 4, sums);
                tile_sums_4_1(g, offset, table, bias, t0, span / 4 * 4, span % 4, sums);
            } else {
                tile_sums_8_2(g, offset, table, bias, t0, 0, span / 2 * 2, sums);
                tile_sums_8_1(g, offset, table, bias, t0, span / 2 * 2, span % 2, sums);
            }
            for (long b = 0; b < g->blocks; b++) write_block(g, sums + b * PLRP_LANES, pad, b, t0, span, out);
        }
        return;
    }
    float sums[TILE * PLRP_LANES];
    for (long t0 = 0; t0 < g->lout; t0 += TILE) {
        const long span = g->lout - t0 < TILE ? g->lout - t0 : TILE;
        for (long b = 0; b < g->blocks; b++) {
            // One block of channels at a time, so that its running sum stays in a register over the taps.
            const float *block = table + b * PLRP_LANES;
            // Four positions at a time: four independent chains of additions keep the adder busy.
            long dt = 0;
            const lanes start = load(bias + b * PLRP_LANES);
            for (; dt + 4 <= span; dt += 4) {
                lanes a0 = start, a1 = start, a2 = start, a3 = start;
                const long *at = offset + (t0 + dt) * g->stride;
                const long hop = g->stride;
                for (long j = 0; j < g->taps; j++) {
                    const float *tap = block + j * tapStride;
                    const long *a = at + j * g->dilation;
                    a0 += load(tap + a[0]);
                    a1 += load(tap + a[hop]);
                    a2 += load(tap + a[2 * hop]);
                    a3 += load(tap + a[3 * hop]);
                }
                memcpy(sums + dt * PLRP_LANES, &a0, sizeof a0);
                memcpy(sums + (dt + 1) * PLRP_LANES, &a1, sizeof a1);
                memcpy(sums + (dt + 2) * PLRP_LANES, &a2, sizeof a2);
                memcpy(sums + (dt + 3) * PLRP_LANES, &a3, sizeof a3);
            }
            for (; dt < span; dt++) {
                lanes a0 = start;
                const long *at = offset + (t0 + dt) * g->stride;
                for (long j = 0; j < g->taps; j++) a0 += load(block + j * tapStride + at[j * g->dilation]);
                memcpy(sums + dt * PLRP_LANES, &a0, sizeof a0);
            }
            write_block(g, sums, PLRP_LANES, b, t0, span, out);
        }
    }
}

CLONES
void plrp_onehot_conv_input_times_transposed(const plrp_onehot_conv *g, const uint8_t *codes, const float *table,
                                             const float *s, void *scratch, float *out) {
    const long pad = g->blocks * PLRP_LANES;
    // s position-major, so that each tap reads one contiguous column of channels.
    const int unit = g->stride == 1;
    long origin, rows;
    step_rows(g, &origin, &rows);
    float *steps = scratch;
    memset(steps, 0, sizeof(float) * rows * pad);
    // Whole 16 × 16 blocks through registers, then the ragged edges one value at a time.
    const long fullChannels = g->cout / PLRP_LANES * PLRP_LANES, fullSteps = g->lout / 16 * 16;
    for (long o0 = 0; o0 < fullChannels; o0 += PLRP_LANES) {
        for (long t0 = 0; t0 < fullSteps; t0 += 16) {
            lanes m[16];
            for (int r = 0; r < 16; r++) m[r] = load(s + (o0 + r) * g->lout + t0);
            transpose16(m);
            for (int r = 0; r < 16; r++) store(steps + (t0 + r - origin) * pad + o0, m[r]);
        }
    }
    for (long o = 0; o < g->cout; o++) {
        const float *row = s + o * g->lout;
#pragma clang loop vectorize(disable)
        for (long t = o < fullChannels ? fullSteps : 0; t < g->lout; t++) steps[(t - origin) * pad + o] = row[t];
    }
    const long tapStride = 5 * pad;
    for (long i = 0; i < g->length; i++) {
        const uint8_t code = codes[i];
        if (code > 3) continue;
        // Four running sums over blocks of channels in turn, so that consecutive multiply-adds are independent.
        lanes a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        const float *columns = table + code * pad;
        for (long j = 0; j < g->taps; j++) {
            const long q = i + g->left - j * g->dilation;
            const float *step;
            if (unit) {
                step = steps + (q - origin) * pad;
            } else {
                if (q < 0 || q % g->stride != 0 || q / g->stride >= g->lout) continue;
                step = steps + (q / g->stride - origin) * pad;
            }
            const float *column = columns + j * tapStride;
            long b = 0;
            for (; b + 4 <= g->blocks; b += 4) {
                const float *c = column + b * PLRP_LANES, *x = step + b * PLRP_LANES;
                a0 += load(c) * load(x);
                a1 += load(c + PLRP_LANES) * load(x + PLRP_LANES);
                a2 += load(c + 2 * PLRP_LANES) * load(x + 2 * PLRP_LANES);
                a3 += load(c + 3 * PLRP_LANES) * load(x + 3 * PLRP_LANES);
            }
            for (; b < g->blocks; b++) a0 += load(column + b * PLRP_LANES) * load(step + b * PLRP_LANES);
        }
        const lanes total = (a0 + a1) + (a2 + a3);
        float sum = 0;
        for (int l = 0; l < PLRP_LANES; l++) sum += total[l];
        out[code * g->length + i] = sum;
    }
}
