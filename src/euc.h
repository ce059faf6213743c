/* euc.h — EUC-JP-MS and EUC-KR to UTF-8 from tables, without iconv: what
 * text.c decodes EUC-JP (declared, or guessed for undeclared 8-bit text)
 * and EUC-KR with (euc.c says why). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Append LEN bytes of EUC-JP-MS (cn_eucjp_lossy) or EUC-KR
 * (cn_euckr_lossy) to OUT as UTF-8, exactly as glibc's iconv ("UTF-8" from
 * "EUC-JP-MS", from "EUC-KR") converts them, each byte it rejects (EILSEQ,
 * or EINVAL: a character cut short at the end) replaced by one U+FFFD and
 * skipped alone (a lead byte before bytes that do not complete it: the
 * lead byte; the next byte is read afresh).  Byte 0x00 gives U+0000, as
 * iconv's does (OUT may then hold NULs); bytes 0x80..0x9F not part of a
 * character give the C1 controls, as iconv's do.  Return the count of
 * U+FFFDs put in. */
guint cn_eucjp_lossy (const char *in, gsize len, GString *out);
guint cn_euckr_lossy (const char *in, gsize len, GString *out);

G_END_DECLS
