#include "blas.h"
#include <cblas.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*sgemm_function)(const enum CBLAS_ORDER, const enum CBLAS_TRANSPOSE, const enum CBLAS_TRANSPOSE,
                               const blasint, const blasint, const blasint, const float, const float *, const blasint,
                               const float *, const blasint, const float, float *, const blasint);
typedef void (*dgemm_function)(const enum CBLAS_ORDER, const enum CBLAS_TRANSPOSE, const enum CBLAS_TRANSPOSE,
                               const blasint, const blasint, const blasint, const double, const double *, const blasint,
                               const double *, const blasint, const double, double *, const blasint);
typedef void (*threads_function)(int);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static sgemm_function sgemm;
static dgemm_function dgemm;
static char failure[512];

static void load(void) {
    if (getenv("OPENBLAS_NUM_THREADS") == NULL) setenv("OPENBLAS_NUM_THREADS", "1", 1);
    void *library = dlopen("libopenblas.so.0", RTLD_LAZY | RTLD_LOCAL);
    if (library == NULL) {
        snprintf(failure, sizeof failure, "cannot load OpenBLAS: %s (install libopenblas0)", dlerror());
        return;
    }
    threads_function threads = (threads_function)dlsym(library, "openblas_set_num_threads");
    sgemm_function found = (sgemm_function)dlsym(library, "cblas_sgemm");
    dgemm = (dgemm_function)dlsym(library, "cblas_dgemm");
    if (found == NULL || dgemm == NULL) {
        snprintf(failure, sizeof failure, "libopenblas.so.0 has no cblas_sgemm or cblas_dgemm");
        return;
    }
    // Also when the user's OPENBLAS_NUM_THREADS started threads: plrp's workers call it one thread each.
    if (threads != NULL) threads(1);
    sgemm = found;
}

int plrp_blas_load(void) {
    pthread_once(&once, load);
    return sgemm != NULL ? 0 : -1;
}

const char *plrp_blas_error(void) { return failure; }

void plrp_sgemm(int transpose_a, int transpose_b, int m, int n, int k, float alpha, const float *a, int lda,
                const float *b, int ldb, float beta, float *c, int ldc) {
    if (plrp_blas_load() != 0) {
        fprintf(stderr, "plrp: error: %s\n", failure);
        exit(1);
    }
    sgemm(CblasRowMajor, transpose_a ? CblasTrans : CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans, m, n, k,
          alpha, a, lda, b, ldb, beta, c, ldc);
}

void plrp_dgemm(int transpose_a, int transpose_b, int m, int n, int k, double alpha, const double *a, int lda,
                const double *b, int ldb, double beta, double *c, int ldc) {
    if (plrp_blas_load() != 0) {
        fprintf(stderr, "plrp: error: %s\n", failure);
        exit(1);
    }
    dgemm(CblasRowMajor, transpose_a ? CblasTrans : CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans, m, n, k,
          alpha, a, lda, b, ldb, beta, c, ldc);
}
