// libBigWig, local files only: Debian's build links libcurl but ships no curl headers for us, and plrp never
// reads remote bigWigs, so the header is used in its curl-free form (the I/O union keeps a pointer either way).
#define NOCURL 1
#include <bigWig.h>
