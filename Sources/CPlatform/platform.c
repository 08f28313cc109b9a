#include "platform.h"
#include <malloc.h>
#include <stdlib.h>
#include <unistd.h>

void plrp_keep_freed_memory(void) {
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
}
