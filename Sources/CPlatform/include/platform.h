// Process-wide settings the Swift standard library does not reach.
#ifndef PLRP_PLATFORM_H
#define PLRP_PLATFORM_H

/// Keeps freed memory in the heap rather than returning it to the kernel, so that the megabyte-sized activations
/// allocated per chunk do not page-fault afresh each time.
void plrp_keep_freed_memory(void);

/// plrp runs its own worker pool and calls OpenBLAS single-threaded inside it. OpenBLAS starts its own threads
/// when the library loads, before main, and they spin for a while even when never used, taking a core from short
/// runs. Unless OPENBLAS_NUM_THREADS is already set, this sets it to 1 and re-executes the program once, so OpenBLAS
/// starts no threads. Returns (and changes nothing) if re-execution is not possible.
void plrp_single_threaded_blas(char *const argv[]);

#endif
