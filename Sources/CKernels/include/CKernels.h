// The CKernels module: numerical inner loops (kernels.h) and the OpenBLAS loader (blas.h).
#include "blas.h"
#include "kernels.h"
