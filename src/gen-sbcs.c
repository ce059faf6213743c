/* gen-sbcs.c — writes sbcs-table.h, the tables of src/sbcs.c, from the
 * build machine's glibc: what iconv ("UTF-8" from each single-byte charset
 * below) gives for every byte and every pair of bytes, and which names
 * text.c may read through a table.  Run at build time (src/meson.build).
 *
 *   gen-sbcs OUTPUT
 *
 * The charsets: ISO-8859-1 … 16, those glibc has (it has no ISO-8859-12),
 * WINDOWS-1250 … 1257 but 1255, KOI8-R, KOI8-U, TIS-620 and WINDOWS-874.  WINDOWS-1255 and WINDOWS-1258 are
 * left to iconv: glibc composes a letter and the combining mark after it
 * into one code point (0xE1 0xCC in CP1255 is U+FB31, not U+05D1 U+05BC),
 * holding each letter back until it sees what follows, which no table of
 * single bytes gives; this program fails on them (output held back until
 * the flush: for 0xD4 in CP1255, for 'A' in CP1258).
 *
 * sbcs.c decodes with a table exactly as text.c's iconv loop (convert; at
 * EILSEQ one U+FFFD, skip one byte, reset) did with glibc's converter,
 * assuming what this program checks for each charset:
 *   - each byte on its own is either a character (one code point of the
 *     BMP, not U+FFFF, the table's marker) or invalid (EILSEQ, nothing
 *     consumed); bytes 0x00..0x7F are themselves (ASCII: the table holds
 *     0x80..0xFF only);
 *   - every pair of bytes converts as the first alone, then the second
 *     afresh (nothing composes, no state).
 * And for each name a table answers for (sbcs_names): iconv opened with
 * that very name converts every byte as the table's charset does; for a
 * number glibc has no ISO-8859 charset for, none of its names opens either
 * (text.c then asks iconv, which fails, and reads WINDOWS-1252, as ever).
 * Anything else, or an iconv without WINDOWS-1252 (text.c's fallback),
 * fails the build.  The output is written only when every check passed. */
#include "gen-probe.h"

#include <gnu/libc-version.h>
#include <stdio.h>
#include <string.h>

#define INVALID 0xffffu   /* sbcs_high: the byte is invalid */
#define MAX_TABLES 32
#define MAX_NAMES 128
#define NAME_MAX_LEN 12   /* "windows-1250" */

typedef struct {
  char iconv[16];                /* the name the table is probed under */
  unsigned high[128];            /* bytes 0x80..0xFF: code point or INVALID */
} Table;

static Table tables[MAX_TABLES];
static unsigned n_tables;
static struct {
  char name[NAME_MAX_LEN + 1];   /* as text.c's charset_kind() makes it */
  unsigned table;
} names[MAX_NAMES];
static unsigned n_names;

/* the 256 bytes alone with CD: code points or INVALID (ASCII included) */
static void
probe_bytes (iconv_t cd, unsigned all[256])
{
  for (unsigned b = 0; b < 256; b++) {
    unsigned c = 0;
    int kind = probe_byte (cd, b, INVALID, &c);
    if (kind == PROBE_LEAD)
      probe_fail ("0x%02X: a lead byte (EINVAL alone): not a single-byte charset", b);
    all[b] = kind == PROBE_CHAR ? c : INVALID;
  }
}

/* Probe FROM (which glibc must have) into a new table; every pair too. */
static unsigned
add_table (const char *from)
{
  if (n_tables == MAX_TABLES)
    probe_fail ("more than %d tables", MAX_TABLES);
  Table *t = &tables[n_tables];
  snprintf (t->iconv, sizeof t->iconv, "%s", from);
  iconv_t cd = probe_open (from);
  unsigned all[256];
  probe_bytes (cd, all);
  for (unsigned b = 0; b < 0x80; b++)
    if (all[b] != b)
      probe_fail ("%s: byte 0x%02X is not ASCII (U+%04X)", from, b, all[b]);
  for (unsigned l = 0; l < 256; l++)
    for (unsigned s = 0; s < 256; s++) {
      unsigned char in[2] = { (unsigned char) l, (unsigned char) s };
      if (all[l] == INVALID)
        probe_rejected (cd, in, 2);
      else
        probe_then (cd, in, 2, all[l], all[s] == INVALID ? PROBE_INVALID : PROBE_CHAR, all[s]);
    }
  iconv_close (cd);
  memcpy (t->high, all + 0x80, sizeof t->high);
  return n_tables++;
}

/* NAME, as text.c meets it, reads as TABLE: iconv opened with NAME itself
 * converts every byte as TABLE's charset */
static void
add_name (const char *name, unsigned table)
{
  if (n_names == MAX_NAMES || strlen (name) > NAME_MAX_LEN)
    probe_fail ("%s: too many names, or too long a name", name);
  iconv_t cd = probe_open (name);
  unsigned all[256];
  probe_bytes (cd, all);
  iconv_close (cd);
  for (unsigned b = 0; b < 256; b++) {
    unsigned want = b < 0x80 ? b : tables[table].high[b - 0x80];
    if (all[b] != want)
      probe_fail ("iconv's \"%s\" converts 0x%02X otherwise than \"%s\"", name, b, tables[table].iconv);
  }
  snprintf (names[n_names].name, sizeof names[n_names].name, "%s", name);
  names[n_names++].table = table;
}

int
main (int argc, char **argv)
{
  if (argc != 2) {
    fprintf (stderr, "usage: gen-sbcs OUTPUT\n");
    return 2;
  }
  probe_init (argv[0]);
  char canon[16], a[16], b[16];
  for (unsigned n = 1; n <= 16; n++) {
    snprintf (canon, sizeof canon, "ISO-8859-%u", n);
    snprintf (a, sizeof a, "iso-8859-%u", n);
    snprintf (b, sizeof b, "iso8859-%u", n);
    iconv_t cd = iconv_open ("UTF-8", canon);
    if (cd == (iconv_t) -1) {
      /* none of its names may open then: they stay with iconv */
      if ((cd = iconv_open ("UTF-8", a)) != (iconv_t) -1 || (cd = iconv_open ("UTF-8", b)) != (iconv_t) -1)
        probe_fail ("no %s, but a name of it opens", canon);
      continue;
    }
    iconv_close (cd);
    unsigned t = add_table (canon);
    add_name (a, t);
    add_name (b, t);
    if (n == 1) {
      add_name ("latin1", t);
      add_name ("l1", t);
    }
  }
  unsigned cp1252 = 0;
  for (unsigned n = 0; n <= 7; n++) {
    if (n == 5)
      continue;               /* composes: see above */
    snprintf (canon, sizeof canon, "WINDOWS-125%u", n);
    snprintf (a, sizeof a, "windows-125%u", n);
    snprintf (b, sizeof b, "cp125%u", n);
    unsigned t = add_table (canon);
    add_name (a, t);
    add_name (b, t);
    if (n == 2)
      cp1252 = t;
  }
  /* others mail declares, which text.c reads through iconv by their name
   * (charset_kind: not "Latin", so never read as WINDOWS-1252) */
  static const struct { const char *canon, *names[3]; } more[] = {
    { "KOI8-R", { "koi8-r" } },
    { "KOI8-U", { "koi8-u" } },
    { "TIS-620", { "tis-620", "tis620" } },
    { "CP874", { "windows-874", "cp874" } },
  };
  for (unsigned i = 0; i < sizeof more / sizeof more[0]; i++) {
    unsigned t = add_table (more[i].canon);
    for (unsigned j = 0; j < 3 && more[i].names[j]; j++)
      add_name (more[i].names[j], t);
  }

  FILE *f = probe_create (argv[1]);
  fprintf (f,
           "/* sbcs-table.h — written by gen-sbcs (src/gen-sbcs.c) from glibc %s's\n"
           " * iconv: do not edit.  %u single-byte charsets, %u names. */\n\n",
           gnu_get_libc_version (), n_tables, n_names);
  fprintf (f, "#define SBCS_INVALID 0x%04Xu   /* sbcs_tables: an invalid byte */\n", INVALID);
  fprintf (f, "#define SBCS_TABLES %u\n", n_tables);
  fprintf (f, "#define SBCS_WINDOWS_1252 %u   /* text.c's fallback */\n\n", cp1252);
  fprintf (f, "/* bytes 0x80..0xFF of each charset: the code point, or SBCS_INVALID */\n");
  fprintf (f, "static const CnSbcs sbcs_tables[SBCS_TABLES] = {\n");
  for (unsigned t = 0; t < n_tables; t++) {
    fprintf (f, "  { /* %s */ {", tables[t].iconv);
    for (unsigned i = 0; i < 128; i++)
      fprintf (f, "%s0x%04X,", i % 8 ? " " : "\n    ", tables[t].high[i]);
    fprintf (f, "\n  } },\n");
  }
  fprintf (f, "};\n\n/* the names read through a table: lowercase, as text.c's charset_kind()\n"
              " * makes them, each checked against iconv opened with it */\n");
  fprintf (f, "static const struct {\n  char name[%d];\n  uint8_t table;\n} sbcs_names[%u] = {\n",
           NAME_MAX_LEN + 1, n_names);
  for (unsigned i = 0; i < n_names; i++)
    fprintf (f, "  { \"%s\", %u },   /* %s */\n", names[i].name, names[i].table, tables[names[i].table].iconv);
  fprintf (f, "};\n");
  probe_close (f, argv[1]);
  return 0;
}
