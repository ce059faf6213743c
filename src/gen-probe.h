/* gen-probe.h — what the table generators (gen-cp932.c, gen-sbcs.c,
 * gen-euc.c) share: glibc's iconv asked about a few bytes at a time on the
 * build machine, a failure that stops the build, the table file written
 * whole or not at all.  Build-time only: nothing here is in certnotice. */
#pragma once

#include <iconv.h>
#include <stdio.h>

/* Room for one probe's UTF-8: enough for two characters of the BMP and
 * more than any probe made here converts. */
#define PROBE_OUT 16

/* Name the generator in its messages (argv[0]'s base name). */
void probe_init (const char *argv0);

/* Print "NAME: …" on stderr and exit 1: the build fails. */
_Noreturn void probe_fail (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

/* iconv_open ("UTF-8", FROM), or fail saying the build machine's iconv
 * cannot. */
iconv_t probe_open (const char *from);

/* Convert LEN bytes with CD from a reset state: iconv's result; *ERR the
 * errno it left (0 when none), *USED the bytes it consumed, OUT and
 * *OUTLEN what it wrote (at most PROBE_OUT bytes).  Fails when the flush
 * after it writes anything (a character held back: a converter with
 * state). */
size_t probe_convert (iconv_t cd, const unsigned char *in, size_t len, int *err, size_t *used,
                      unsigned char *out, size_t *outlen);

/* How a byte converts alone: a character, a lead byte (EINVAL: it needs
 * another), or invalid (EILSEQ) */
enum { PROBE_CHAR, PROBE_LEAD, PROBE_INVALID };

/* How byte B converts alone with CD, from a reset state, nothing consumed
 * or written but for a character; its code point in *C for PROBE_CHAR
 * (one of the BMP, not MARKER).  Fails on anything else. */
int probe_byte (iconv_t cd, unsigned b, unsigned marker, unsigned *c);

/* Fail unless the N bytes at IN convert as a character (code point C) of
 * the first N - 1 bytes, then the last byte as it converts alone (KIND, its
 * code point NEXT for PROBE_CHAR): what a decoder that reads a character
 * and goes on afresh with the next byte gives. */
void probe_then (iconv_t cd, const unsigned char *in, size_t n, unsigned c, int kind, unsigned next);

/* Fail unless the N bytes at IN are rejected at the first byte: EILSEQ,
 * nothing consumed or written. */
void probe_rejected (iconv_t cd, const unsigned char *in, size_t n);

/* The one code point in the N bytes of UTF-8 at S, which must be one
 * character of the BMP, no surrogate and not MARKER (the table's "no
 * character"); else fail, naming the input BYTES. */
unsigned probe_one_bmp (const unsigned char *s, size_t n, unsigned bytes, unsigned marker);

/* C (of the BMP) as UTF-8 into OUT; its length. */
size_t probe_encode (unsigned c, unsigned char *out);

/* The output file PATH, opened for writing (fails the build if it cannot
 * be), and closed: on a write error it is removed and the build fails. */
FILE *probe_create (const char *path);
void probe_close (FILE *f, const char *path);
