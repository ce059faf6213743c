/* sbcs.h — single-byte charsets (ISO-8859-x, WINDOWS-125x) to UTF-8 from
 * tables, without iconv: what text.c decodes a charset declared under one
 * of a few names with, and its fallback, WINDOWS-1252 (sbcs.c says why). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct CnSbcs CnSbcs;   /* a charset's table: static, never freed */

/* The table of the charset named NAME — lowercase without surrounding
 * whitespace, as text.c's charset_kind() makes it — when NAME is one whose
 * meaning to glibc's iconv is certain: iso-8859-N and iso8859-N (N = 1…16
 * but 12), latin1, l1, windows-125N and cp125N (N = 0…7 but 5), koi8-r,
 * koi8-u, tis-620, tis620, windows-874, cp874; that is, exactly the
 * charset iconv opens for NAME.  NULL for any other name (iconv's to
 * read). */
const CnSbcs *cn_sbcs_find (const char *name);

/* WINDOWS-1252's table: text.c's fallback for a name iconv does not know. */
const CnSbcs *cn_sbcs_windows_1252 (void);

/* Append LEN bytes in CS to OUT as UTF-8, exactly as glibc's iconv
 * converts them, each byte it rejects replaced by one U+FFFD.  Byte 0x00
 * gives U+0000, as iconv's does (OUT may then hold NULs).  Returns the
 * count of U+FFFDs put in. */
guint cn_sbcs_lossy (const CnSbcs *cs, const char *in, gsize len, GString *out);

G_END_DECLS
