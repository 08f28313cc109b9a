// Process-wide settings the Swift standard library does not reach.
#ifndef PLRP_PLATFORM_H
#define PLRP_PLATFORM_H

/// Keeps freed memory in the heap rather than returning it to the kernel, so that the megabyte-sized activations
/// allocated per chunk do not page-fault afresh each time.
void plrp_keep_freed_memory(void);

#endif
