/* iconv-ref.h — what the table decoders (src/cp932.c, sbcs.c, euc.c) are
 * tested against: glibc's iconv through a deliberate copy of the loop
 * text.c used (iconv_lossy), and the checks their tests share. */
#pragma once

#include <glib.h>
#include <iconv.h>

/* A table decoder: LEN bytes at IN appended to OUT as UTF-8 with TABLE
 * (what the decoder needs, or NULL); the count of replacements. */
typedef guint (*RefDecoder) (gconstpointer table, const char *in, gsize len, GString *out);

/* LEN bytes at IN converted with CD (to UTF-8) as text.c's iconv_lossy()
 * did, appended to OUT; the count of replacements. */
guint ref_lossy (iconv_t cd, const char *in, gsize len, GString *out);

/* BYTES decoded by DECODE (with TABLE) and by ref_lossy (with CD): the
 * same UTF-8 and the same count of replacements; then, when CHARSET is not
 * NULL, ref_check_text.  Counts the checks in ref_checked. */
void ref_check (iconv_t cd, RefDecoder decode, gconstpointer table, const char *bytes, gsize len,
                const char *charset, gboolean latin);
extern guint ref_checked;

/* A byte for a random string, after the ones a test prefers: one of
 * EDGES (N of them: bytes next to lead and trail bytes, controls) three
 * times in seven, an ASCII byte two times, any byte two times. */
char ref_random_byte (GRand *r, const guchar *edges, gsize n);

/* COUNT random strings of up to 64 bytes, each made by BYTE (with R),
 * through ref_check (CD, DECODE, TABLE, …, CHARSET, LATIN).  Returns how
 * many of them iconv replaced bytes in. */
guint ref_check_random (GRand *r, guint count, char (*byte) (GRand *r), iconv_t cd, RefDecoder decode,
                        gconstpointer table, const char *charset, gboolean latin);

/* NAME as mail may write it: VARIANT 0 as it is, 1 in upper case, 2 in
 * mixed case with whitespace around.  Caller frees. */
char *ref_spelled (const char *name, guint variant);

/* BYTES declared as CHARSET through cn_text_to_utf8: what text.c made of
 * them with iconv (CD, through ref_lossy), NULs as spaces, and lossy as it
 * was (a replacement or a C1 control, which text.c counts too).  After
 * enough ASCII letters that a replacement never makes text.c try another
 * charset for the text (over 1 in 100 bytes replaced), which would hide
 * what the decoder gave.  LATIN: CHARSET is one of text.c's single-byte
 * names, under which text that is valid UTF-8 is read as UTF-8. */
void ref_check_text (iconv_t cd, const char *bytes, gsize len, const char *charset, gboolean latin);

/* BYTES in an encoded word declared as CHARSET, after ASCII letters (as
 * ref_check_text), read by cn_text_decode_header: what ref_lossy makes of
 * the word with CD, which must hold no control characters or spaces (the
 * header's whitespace is collapsed). */
void ref_check_header (iconv_t cd, const char *bytes, gsize len, const char *charset);
