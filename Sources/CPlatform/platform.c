#include "platform.h"
#include <malloc.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

void plrp_keep_freed_memory(void) {
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

// zlib's compress() at level 1 instead of 6. libBigWig compresses every bigWig block with compress() and has no
// setting for the level; the dynamic linker binds its calls to this definition, as the executable's symbols come
// first (htslib uses deflate, not compress). At level 6 the bigWig writer was the largest single cost of a run with
// tracks. The files remain ordinary zlib streams.
int compress(Bytef *dest, uLongf *destLen, const Bytef *source, uLong sourceLen) {
    return compress2(dest, destLen, source, sourceLen, Z_BEST_SPEED);
}
