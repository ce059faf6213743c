/* cp932.h — CP932 (Windows-31J, the Shift_JIS of real mail) to UTF-8 from
 * a table, without iconv: what text.c decodes Shift_JIS and ISO-2022-JP
 * with (cp932.c says why). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Append LEN bytes of CP932 to OUT as UTF-8, exactly as glibc's iconv
 * ("UTF-8" from "CP932") converts them, each byte it rejects (EILSEQ, or
 * EINVAL: a lead byte at the end) replaced by one U+FFFD and skipped alone
 * (a lead byte before a byte that cannot follow it: the lead byte; the next
 * byte is read afresh).  Byte 0x00 gives U+0000, as iconv's does (OUT may
 * then hold NULs).  Returns the count of U+FFFDs put in. */
guint cn_cp932_lossy (const char *in, gsize len, GString *out);

G_END_DECLS
