// The C boundary to libdeflate (1.14, the library htslib compresses BGZF with): whole-buffer zlib-format
// compression for bigWig blocks.
#ifndef PLRP_CDEFLATE_SHIM_H
#define PLRP_CDEFLATE_SHIM_H

#include <libdeflate.h>

#endif
