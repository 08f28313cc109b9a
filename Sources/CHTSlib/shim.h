// The C boundary to htslib 1.16 and zlib. Function-like macros do not import into Swift,
// so the ones GenomeIO and Tracks need are wrapped here as static inline functions.
#ifndef PLRP_CHTSLIB_SHIM_H
#define PLRP_CHTSLIB_SHIM_H

#include <stdint.h>
#include <zlib.h>
#include <htslib/hts.h>
#include <htslib/hts_log.h>
#include <htslib/faidx.h>
#include <htslib/sam.h>
#include <htslib/bgzf.h>
#include <htslib/tbx.h>
#include <htslib/kstring.h>

static inline const char *plrp_bam_qname(const bam1_t *b) { return bam_get_qname(b); }
static inline const uint32_t *plrp_bam_cigar(const bam1_t *b) { return bam_get_cigar(b); }
static inline const uint8_t *plrp_bam_seq(const bam1_t *b) { return bam_get_seq(b); }
static inline int plrp_bam_seqi(const uint8_t *s, int i) { return bam_seqi(s, i); }
static inline int plrp_bam_cigar_op(uint32_t c) { return bam_cigar_op(c); }
static inline int plrp_bam_cigar_oplen(uint32_t c) { return bam_cigar_oplen(c); }
/// 1 if the operation consumes query bases, 2 if it consumes reference bases (bitwise).
static inline int plrp_bam_cigar_type(int op) { return bam_cigar_type(op); }

static inline int plrp_sam_itr_next(samFile *fp, hts_itr_t *itr, bam1_t *b) { return sam_itr_next(fp, itr, b); }
static inline void plrp_hts_itr_destroy(hts_itr_t *itr) { hts_itr_destroy(itr); }
static inline int plrp_tbx_itr_next(htsFile *fp, tbx_t *tbx, hts_itr_t *itr, kstring_t *s) { return tbx_itr_next(fp, tbx, itr, s); }
/// The virtual offset of the next byte written or read (BGZF block address << 16 | offset in the block).
static inline int64_t plrp_bgzf_tell(BGZF *fp) { return bgzf_tell(fp); }
static inline hts_itr_t *plrp_tbx_itr_queryi(const tbx_t *tbx, int tid, hts_pos_t beg, hts_pos_t end) { return tbx_itr_queryi(tbx, tid, beg, end); }

#endif
