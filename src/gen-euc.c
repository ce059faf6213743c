/* gen-euc.c — writes euc-tables.h, the tables of src/euc.c, from the build
 * machine's glibc: what iconv ("UTF-8" from "EUC-JP-MS", and from
 * "EUC-KR") gives for every byte, every pair of bytes, and every three
 * bytes that begin with a byte that needs two more (EUC-JP's 0x8F: JIS X
 * 0212, the IBM extensions, user-defined characters).  Run at build time
 * (src/meson.build).
 *
 *   gen-euc OUTPUT
 *
 * euc.c decodes with the tables exactly as text.c's iconv loop (convert;
 * at EILSEQ or EINVAL one U+FFFD, skip one byte, reset) did with glibc's
 * converter, assuming what this program checks for each charset:
 *   - each byte alone is a character (one code point), a lead byte
 *     (EINVAL: incomplete) or invalid (EILSEQ, nothing consumed);
 *   - a byte that is no lead byte converts the same whatever follows it;
 *   - a lead byte and any byte are one character (both consumed) or EILSEQ
 *     at the lead, nothing consumed; or, for at most one lead byte (the
 *     three-byte lead), EINVAL or EILSEQ, never a character;
 *   - the three-byte lead and any two bytes are one character (three
 *     consumed) or EILSEQ at the lead, always EILSEQ where its first two
 *     bytes were;
 *   - the bytes after the lead byte of a character are 0xA1..0xFE;
 *   - what follows a character or a rejected sequence does not change it:
 *     each of them followed by a byte of every kind (FOLLOWERS) gives the
 *     character, then that byte as alone, or EILSEQ at the lead as before;
 *   - every character is one code point of the BMP, not U+FFFF (the
 *     tables' marker); none is U+0000 but byte 0x00's.
 * A lead byte that no byte completes (EUC-JP's 0xA0; EUC-KR's 0xC9, 0xFE
 * and 0xFF) is invalid in the tables: iconv_lossy gave one U+FFFD for it
 * and went on with the next byte either way (EINVAL at the end, EILSEQ
 * before another byte), as for an invalid byte.  Anything else (another
 * glibc, a converter with state or with characters of two code points)
 * fails the build, and so does an iconv that cannot open the charsets.
 * The output is written only when every check passed. */
#include "gen-probe.h"

#include <errno.h>
#include <gnu/libc-version.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#define NONE 0xffffu        /* EUC_NONE: no character alone */
#define NOT_LEAD 0xffu      /* EUC_NOT_LEAD: no row */
#define NO_LEAD3 0x100u     /* EUC_NO_LEAD3: no three-byte lead */
#define TRAIL_MIN 0xa1u
#define TRAIL_MAX 0xfeu
#define TRAILS (TRAIL_MAX - TRAIL_MIN + 1)

/* bytes of every kind the charsets have (checked): what follows a
 * character or a rejected sequence in the checks */
static const unsigned char followers[] = { 0x00, 0x0a, 0x1b, 0x41, 0x7f, 0x80, 0x8e, 0x8f, 0x9f,
                                           0xa0, 0xa1, 0xb0, 0xc9, 0xdf, 0xe0, 0xf5, 0xfe, 0xff };

static FILE *f;

/* one charset's probe */
static int kind[256];            /* PROBE_CHAR, PROBE_LEAD, PROBE_INVALID */
static unsigned single[256];     /* the code point of a PROBE_CHAR */
static unsigned pair[256][256];  /* lead, trail: the code point, 0 if none */
static unsigned triple[256][256];/* after the three-byte lead: 0 if none */
static int needs3[256][256];     /* lead, byte: EINVAL (a third byte wanted) */

/* IN (N bytes, a character C or, when C is 0, a rejected sequence)
 * followed by each of FOLLOWERS: the same, then the follower as alone */
static void
check_followed (iconv_t cd, const unsigned char *in, size_t n, unsigned c)
{
  unsigned char seq[4];
  memcpy (seq, in, n);
  for (size_t i = 0; i < sizeof followers; i++) {
    unsigned b = followers[i];
    seq[n] = (unsigned char) b;
    if (c == 0)
      probe_rejected (cd, seq, n + 1);
    else
      probe_then (cd, seq, n + 1, c, kind[b], single[b]);
  }
}

/* the code point of the character IN (N bytes) converted whole, 0 when it
 * is rejected at its first byte, -1 for EINVAL (incomplete); fails on
 * anything else */
static long
probe_seq (iconv_t cd, const unsigned char *in, size_t n)
{
  unsigned char out[PROBE_OUT];
  size_t used, outlen;
  int err;
  size_t r = probe_convert (cd, in, n, &err, &used, out, &outlen);
  unsigned bytes = 0;
  for (size_t i = 0; i < n; i++)
    bytes = bytes << 8 | in[i];
  if (r == 0 && used == n) {
    unsigned c = probe_one_bmp (out, outlen, bytes, NONE);
    if (c == 0)
      probe_fail ("0x%X: U+0000 (0 marks no character in the tables)", bytes);
    for (size_t i = 1; i < n; i++)
      if (in[i] < TRAIL_MIN || in[i] > TRAIL_MAX)
        probe_fail ("0x%X: a character with a byte after its lead outside 0x%02X..0x%02X", bytes, TRAIL_MIN,
                    TRAIL_MAX);
    return c;
  }
  if (used == 0 && outlen == 0 && (err == EILSEQ || err == EINVAL))
    return err == EILSEQ ? 0 : -1;
  probe_fail ("0x%X: neither one character nor rejected at its first byte (iconv returned %zd, errno %d, "
              "%zu used)", bytes, (ssize_t) r, err, used);
}

/* TABLE's rows, those with a character (IS_ROW), as PREFIX_NAME[rows]
 * [EUC_TRAILS], and each first byte's row as PREFIX_rowNAME[256] */
static void
write_rows (const char *prefix, const char *name, unsigned table[256][256], const int is_row[256])
{
  unsigned rows = 0;
  fprintf (f, "static const uint8_t %s_row%s[256] = {", prefix, name);
  for (unsigned b = 0; b < 256; b++)
    fprintf (f, "%s%u,", b % 16 ? " " : "\n  ", is_row[b] ? rows++ : NOT_LEAD);
  if (rows >= NOT_LEAD)
    probe_fail ("%u rows", rows);
  fprintf (f, "\n};\n\nstatic const uint16_t %s_%s[%u][EUC_TRAILS] = {\n", prefix, name, rows ? rows : 1);
  for (unsigned b = 0; b < 256; b++) {
    if (!is_row[b])
      continue;
    fprintf (f, "  { /* 0x%02X */", b);
    for (unsigned t = TRAIL_MIN; t <= TRAIL_MAX; t++)
      fprintf (f, "%s0x%04X,", (t - TRAIL_MIN) % 8 ? " " : "\n    ", table[b][t]);
    fprintf (f, "\n  },\n");
  }
  if (rows == 0)
    fprintf (f, "  { 0 },\n");
  fprintf (f, "};\n\n");
}

/* Probe FROM and write its tables as PREFIX_… and PREFIX_tables. */
static void
charset (const char *from, const char *prefix)
{
  iconv_t cd = probe_open (from);
  memset (pair, 0, sizeof pair);
  memset (triple, 0, sizeof triple);
  memset (needs3, 0, sizeof needs3);
  int seen[3] = { 0 };
  for (unsigned b = 0; b < 256; b++) {
    single[b] = 0;
    kind[b] = probe_byte (cd, b, NONE, &single[b]);
    seen[kind[b]] = 1;
  }
  for (int k = 0; k < 3; k++) {
    int covered = !seen[k];
    for (size_t i = 0; i < sizeof followers; i++)
      covered |= kind[followers[i]] == k;
    if (!covered)
      probe_fail ("%s: no byte of kind %d among the followers", from, k);
  }

  /* pairs */
  int is_row2[256] = { 0 }, is_row3[256] = { 0 };
  unsigned lead3 = NO_LEAD3, chars2 = 0, chars3 = 0;
  for (unsigned l = 0; l < 256; l++) {
    int chars = 0, incomplete = 0;
    for (unsigned t = 0; t < 256; t++) {
      unsigned char in[2] = { (unsigned char) l, (unsigned char) t };
      if (kind[l] == PROBE_CHAR) {
        probe_then (cd, in, 2, single[l], kind[t], single[t]);
      } else if (kind[l] == PROBE_INVALID) {
        probe_rejected (cd, in, 2);
      } else {
        long c = probe_seq (cd, in, 2);
        if (c < 0)
          needs3[l][t] = incomplete = 1;
        else if ((pair[l][t] = (unsigned) c) != 0)
          chars++;
        if (c >= 0)
          check_followed (cd, in, 2, (unsigned) c);
      }
    }
    if (chars && incomplete)
      probe_fail ("%s: 0x%02X begins characters of two bytes and of three", from, l);
    if (incomplete) {
      if (lead3 != NO_LEAD3)
        probe_fail ("%s: two lead bytes of three-byte characters, 0x%02X and 0x%02X", from, lead3, l);
      lead3 = l;
    }
    is_row2[l] = chars > 0;
    chars2 += chars;
  }

  /* three bytes after the three-byte lead */
  if (lead3 != NO_LEAD3)
    for (unsigned s = 0; s < 256; s++)
      for (unsigned t = 0; t < 256; t++) {
        unsigned char in[3] = { (unsigned char) lead3, (unsigned char) s, (unsigned char) t };
        long c = probe_seq (cd, in, 3);
        if (c < 0)
          probe_fail ("%s: 0x%02X%02X%02X incomplete", from, lead3, s, t);
        if (c > 0 && !needs3[lead3][s])
          probe_fail ("%s: 0x%02X%02X%02X a character, 0x%02X%02X rejected", from, lead3, s, t, lead3, s);
        triple[s][t] = (unsigned) c;
        if (c > 0) {
          is_row3[s] = 1;
          chars3++;
        }
        check_followed (cd, in, 3, (unsigned) c);
      }
  iconv_close (cd);
  if (chars2 == 0)
    probe_fail ("%s: no character of two bytes: not EUC", from);

  unsigned chars1 = 0;
  for (unsigned b = 0; b < 256; b++)
    chars1 += kind[b] == PROBE_CHAR;
  fprintf (f, "/* %s: %u characters of one byte, %u of two, %u of three */\n\n", from, chars1, chars2, chars3);
  fprintf (f, "static const uint16_t %s_single[256] = {", prefix);
  for (unsigned b = 0; b < 256; b++)
    fprintf (f, "%s0x%04X,", b % 8 ? " " : "\n  ", kind[b] == PROBE_CHAR ? single[b] : NONE);
  fprintf (f, "\n};\n\n");
  write_rows (prefix, "pair", pair, is_row2);
  if (lead3 != NO_LEAD3)
    write_rows (prefix, "triple", triple, is_row3);
  fprintf (f, "static const EucTables %s_tables = {\n  %s_single, %s_rowpair, %s_pair, ", prefix, prefix, prefix, prefix);
  if (lead3 != NO_LEAD3)
    fprintf (f, "0x%02X, %s_rowtriple, %s_triple,\n};\n\n", lead3, prefix, prefix);
  else
    fprintf (f, "EUC_NO_LEAD3, NULL, NULL,\n};\n\n");
}

int
main (int argc, char **argv)
{
  if (argc != 2) {
    fprintf (stderr, "usage: gen-euc OUTPUT\n");
    return 2;
  }
  probe_init (argv[0]);
  f = probe_create (argv[1]);
  fprintf (f,
           "/* euc-tables.h — written by gen-euc (src/gen-euc.c) from glibc %s's\n"
           " * iconv: do not edit. */\n\n",
           gnu_get_libc_version ());
  fprintf (f, "#define EUC_NONE 0x%04Xu      /* _single: no character alone */\n", NONE);
  fprintf (f, "#define EUC_NOT_LEAD 0x%02Xu    /* _rowpair, _rowtriple: no row */\n", NOT_LEAD);
  fprintf (f, "#define EUC_NO_LEAD3 0x%03Xu   /* no byte begins characters of three */\n", NO_LEAD3);
  fprintf (f, "#define EUC_TRAIL_MIN 0x%02Xu\n#define EUC_TRAILS %u\n\n", TRAIL_MIN, TRAILS);
  fprintf (f, "typedef struct {\n"
              "  const uint16_t *single;              /* each byte alone: code point, or EUC_NONE */\n"
              "  const uint8_t *row2;                 /* a lead byte of two: its row in pair */\n"
              "  const uint16_t (*pair)[EUC_TRAILS];  /* [row][trail - EUC_TRAIL_MIN]: code point, or 0 */\n"
              "  unsigned lead3;                      /* the lead byte of three, or EUC_NO_LEAD3 */\n"
              "  const uint8_t *row3;                 /* the second byte of three: its row in triple */\n"
              "  const uint16_t (*triple)[EUC_TRAILS];/* [row][third - EUC_TRAIL_MIN]: code point, or 0 */\n"
              "} EucTables;\n\n");
  charset ("EUC-JP-MS", "eucjp");
  charset ("EUC-KR", "euckr");
  probe_close (f, argv[1]);
  return 0;
}
