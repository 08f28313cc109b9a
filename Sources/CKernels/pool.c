#include "kernels.h"
#include "simd.h"

/// The larger of each pair of lanes, as `a > b ? a : b` (the first when equal, as the scalar loop picks).
static inline void pairwise(const lanes *a, const lanes *b, lanes *out) {
    const lanes even = __builtin_shufflevector(*a, *b, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const lanes odd = __builtin_shufflevector(*a, *b, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    *out = odd > even ? odd : even;
}

CLONES
void plrp_max_pool4(const float *in, long rows, long length, float *out) {
    const long lout = length / 4;
    for (long r = 0; r < rows; r++) {
        const float *x = in + r * length;
        float *y = out + r * lout;
        long t = 0;
        // Sixteen outputs from 64 inputs: maxima of pairs, then of pairs of pairs.
        for (; t + 16 <= lout; t += 16) {
            const lanes v0 = load(x + 4 * t), v1 = load(x + 4 * t + 16), v2 = load(x + 4 * t + 32), v3 = load(x + 4 * t + 48);
            lanes low, high, result;
            pairwise(&v0, &v1, &low);
            pairwise(&v2, &v3, &high);
            pairwise(&low, &high, &result);
            store(y + t, result);
        }
        for (; t < lout; t++) {
            const float *w = x + 4 * t;
            const float a = w[1] > w[0] ? w[1] : w[0], b = w[3] > w[2] ? w[3] : w[2];
            y[t] = b > a ? b : a;
        }
    }
}

CLONES
void plrp_max_pool4_backward(const float *in, const float *grad_out, long rows, long length, float *grad_in) {
    const long lout = length / 4;
    for (long r = 0; r < rows; r++) {
        const float *x = in + r * length, *gy = grad_out + r * lout;
        float *gx = grad_in + r * length;
        for (long t = 0; t < lout; t++) {
            const float *w = x + 4 * t;
            // The first maximum of each pair, then of the two pairs: the position a left-to-right scan keeps.
            const int second = w[1] > w[0], fourth = w[3] > w[2];
            const float low = second ? w[1] : w[0], high = fourth ? w[3] : w[2];
            const int winner = high > low ? 2 + fourth : second;
            const float g = gy[t];
            gx[4 * t] = winner == 0 ? g : 0;
            gx[4 * t + 1] = winner == 1 ? g : 0;
            gx[4 * t + 2] = winner == 2 ? g : 0;
            gx[4 * t + 3] = winner == 3 ? g : 0;
        }
        for (long p = 4 * lout; p < length; p++) gx[p] = 0;
    }
}
