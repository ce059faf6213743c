/* fuzz-common.h — what every libFuzzer target of certnotice shares.
 *
 * Header-only (static functions) so that each target is one translation unit
 * plus libcertnotice.  Not part of the library.
 */
#pragma once

#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The source tree's rules/ (set by fuzz/meson.build). */
#ifndef CN_FUZZ_SOURCE_RULES
#define CN_FUZZ_SOURCE_RULES "rules"
#endif

/* A property of the code under test does not hold: say which and abort, so
 * that libFuzzer keeps the input as a crash-* file. */
#define CN_FUZZ_CHECK(cond, ...)                                                    \
  do {                                                                              \
    if (G_UNLIKELY (!(cond))) {                                                     \
      fprintf (stderr, "\n==certnotice-fuzz== check failed at %s:%d: %s\n  ",     \
               __FILE__, __LINE__, #cond);                                          \
      fprintf (stderr, __VA_ARGS__);                                                \
      fputc ('\n', stderr);                                                         \
      abort ();                                                                     \
    }                                                                               \
  } while (0)

/* GLib criticals and warnings are bugs here (a g_return_if_fail() that
 * fired, a GObject misuse, a GError set twice): print them and abort(), as
 * tests/corpus.sh fails on them.  Not g_log_set_always_fatal(): GLib then
 * stops with G_BREAKPOINT (SIGTRAP), which libFuzzer does not catch, so the
 * input would be lost. */
static inline GLogWriterOutput
cn_fuzz_log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
  GLogWriterOutput r = g_log_writer_standard_streams (level, fields, n_fields, data);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)) {
    fprintf (stderr, "\n==certnotice-fuzz== GLib %s (above): aborting\n",
             (level & G_LOG_LEVEL_WARNING) ? "warning" : "critical");
    abort ();
  }
  return r;
}

static inline void
cn_fuzz_setup (void)
{
  g_log_set_writer_func (cn_fuzz_log_writer, NULL, NULL);
  /* GLib < 2.76 may still use its slice allocator: keep every allocation
   * visible to AddressSanitizer. */
  g_setenv ("G_SLICE", "always-malloc", TRUE);
}

/* $CERTNOTICE_RULES, else the source tree's rules/. */
static inline const char *
cn_fuzz_rules_dir (void)
{
  const char *env = g_getenv ("CERTNOTICE_RULES");
  return env && *env ? env : CN_FUZZ_SOURCE_RULES;
}

/* The bytes of S as a C string for a message ("\x1b" style escapes). */
static inline char *
cn_fuzz_escape (const char *s, gsize len)
{
  GString *out = g_string_new (NULL);
  for (gsize i = 0; i < len; i++) {
    guchar c = (guchar) s[i];
    if (c == '\n')
      g_string_append (out, "\\n");
    else if (c == '\r')
      g_string_append (out, "\\r");
    else if (c == '\t')
      g_string_append (out, "\\t");
    else if (c < 0x20 || c >= 0x7f || c == '\\')
      g_string_append_printf (out, "\\x%02x", c);
    else
      g_string_append_c (out, (char) c);
  }
  return g_string_free (out, FALSE);
}

/* A file of our own under /dev/shm (else $TMPDIR), removed at exit. */
static char *cn_fuzz_tmp_path;

static inline void
cn_fuzz_tmp_remove (void)
{
  if (cn_fuzz_tmp_path)
    (void) remove (cn_fuzz_tmp_path);
}

static inline const char *
cn_fuzz_tmp_file (const char *suffix)
{
  if (cn_fuzz_tmp_path == NULL) {
    const char *dir = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir ();
    cn_fuzz_tmp_path = g_strdup_printf ("%s/certnotice-fuzz-%d%s", dir, (int) getpid (), suffix);
    atexit (cn_fuzz_tmp_remove);
  }
  return cn_fuzz_tmp_path;
}

/* Write DATA to the temporary file; returns its path. */
static inline const char *
cn_fuzz_write_tmp (const uint8_t *data, size_t size, const char *suffix)
{
  const char *path = cn_fuzz_tmp_file (suffix);
  FILE *f = fopen (path, "wb");
  CN_FUZZ_CHECK (f != NULL, "cannot create %s", path);
  CN_FUZZ_CHECK (size == 0 || fwrite (data, 1, size, f) == size, "cannot write %s", path);
  CN_FUZZ_CHECK (fclose (f) == 0, "cannot write %s", path);
  return path;
}
