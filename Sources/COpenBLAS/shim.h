// The C boundary to OpenBLAS (Debian's libopenblas-dev, pthread flavour): cblas and the thread-count control.
#ifndef PLRP_COPENBLAS_SHIM_H
#define PLRP_COPENBLAS_SHIM_H
#include <cblas.h>
void openblas_set_num_threads(int num_threads);
#endif
