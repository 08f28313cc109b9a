// OpenBLAS, loaded when first needed rather than linked. plrp runs its own worker pool and calls sgemm
// single-threaded inside it; a linked OpenBLAS would start its own threads before main (and they spin for a while,
// taking a core from short runs) unless OPENBLAS_NUM_THREADS=1 was already in the environment. Loading the library
// after setting that variable avoids both those threads and re-executing the program to set it.
#ifndef PLRP_BLAS_H
#define PLRP_BLAS_H

/// Loads libopenblas.so.0 once (setting OPENBLAS_NUM_THREADS=1 first unless the user set it). Returns 0 on success,
/// or -1 with `plrp_blas_error()` describing why. Safe to call from several threads.
int plrp_blas_load(void);

/// Why loading failed (empty after success).
const char *plrp_blas_error(void);

/// C = alpha·op(A)·op(B) + beta·C on row-major float32 matrices (cblas_sgemm). Loads OpenBLAS if needed and aborts
/// with a message if it cannot be loaded (plrp checks at start-up, so only library users can get there).
void plrp_sgemm(int transpose_a, int transpose_b, int m, int n, int k, float alpha, const float *a, int lda,
                const float *b, int ldb, float beta, float *c, int ldc);

/// The same on float64 matrices (cblas_dgemm), for the computations float32 cannot carry.
void plrp_dgemm(int transpose_a, int transpose_b, int m, int n, int k, double alpha, const double *a, int lda,
                const double *b, int ldb, double beta, double *c, int ldc);

#endif
