#include "platform.h"
#include <malloc.h>
#include <stdlib.h>
#include <unistd.h>

void plrp_keep_freed_memory(void) {
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

void plrp_single_threaded_blas(char *const argv[]) {
    if (getenv("OPENBLAS_NUM_THREADS") != NULL) return;
    if (setenv("OPENBLAS_NUM_THREADS", "1", 1) != 0) return;
    execv("/proc/self/exe", argv);
    /* Only reached if execv failed: carry on with OpenBLAS's own threads idle. */
}
