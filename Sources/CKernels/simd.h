// What the kernels share: compilation for several x86-64 levels, and a 16-float block type.
#ifndef PLRP_KERNELS_SIMD_H
#define PLRP_KERNELS_SIMD_H

#include <string.h>

/// Each kernel is compiled for AVX-512, AVX2 and baseline x86-64; the loader picks the best the CPU runs.
#if defined(__x86_64__)
#define CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define CLONES
#endif

/// One block of channels: a single register with AVX-512, two with AVX2, four with SSE.
typedef float lanes __attribute__((ext_vector_type(16), aligned(4)));

/// Half a block: one AVX2 register, for kernels whose AVX2 form needs its own tile shape.
typedef float lanes8 __attribute__((ext_vector_type(8), aligned(4)));

/// Unaligned block loads and stores (macros: a function taking or returning `lanes` would change the ABI between
/// the clones).
#define load(p) (*(const lanes *)(p))
#define store(p, v) (*(lanes *)(p) = (v))

#endif
