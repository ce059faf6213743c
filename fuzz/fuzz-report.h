/* fuzz-report.h — properties of records and reports shared by the fuzz
 * targets that judge mail (fuzz-mail, fuzz-rules).  See fuzz-mail.c for the
 * list; $CN_FUZZ_SKIP (comma-separated names) switches checks off. */
#pragma once

#include "fuzz-common.h"

#include "pipeline.h"
#include "output.h"
#include "splice.h"
#include "json.h"

static char **cn_fuzz_skips;

static inline void
cn_fuzz_read_skips (void)
{
  const char *skip = g_getenv ("CN_FUZZ_SKIP");
  if (skip && *skip)
    cn_fuzz_skips = g_strsplit (skip, ",", -1);
}

static inline gboolean
cn_fuzz_check_on (const char *name)
{
  return cn_fuzz_skips == NULL || !g_strv_contains ((const char *const *) cn_fuzz_skips, name);
}

/* M1: S (may be NULL) is valid UTF-8. */
static inline void
cn_fuzz_check_utf8 (const char *what, const char *s)
{
  if (s == NULL || !cn_fuzz_check_on ("M1"))
    return;
  const char *bad = NULL;
  if (!g_utf8_validate (s, -1, &bad)) {
    g_autofree char *esc = cn_fuzz_escape (s, strlen (s));
    CN_FUZZ_CHECK (FALSE, "M1: %s is not valid UTF-8 at byte %zu: \"%.400s\"", what,
                   (size_t) (bad - s), esc);
  }
}

/* M1 for every text field of M. */
static inline void
cn_fuzz_check_mail (const CnMail *m)
{
  cn_fuzz_check_utf8 ("source", m->source);
  cn_fuzz_check_utf8 ("part", m->part);
  cn_fuzz_check_utf8 ("message_id", m->message_id);
  cn_fuzz_check_utf8 ("subject", m->subject);
  cn_fuzz_check_utf8 ("from_addr", m->from_addr);
  cn_fuzz_check_utf8 ("from_domain", m->from_domain);
  cn_fuzz_check_utf8 ("from_display", m->from_display);
  cn_fuzz_check_utf8 ("body", m->body);
  for (guint i = 0; i < m->from_domains->len; i++)
    cn_fuzz_check_utf8 ("from_domains[]", m->from_domains->pdata[i]);
  for (guint i = 0; i < m->auth_results->len; i++)
    cn_fuzz_check_utf8 ("auth_results[]", m->auth_results->pdata[i]);
  for (guint i = 0; i < m->warnings->len; i++)
    cn_fuzz_check_utf8 ("warnings[]", m->warnings->pdata[i]);
  cn_fuzz_check_utf8 ("internal_error", m->internal_error);
}

/* J1: the JSON report of N, as every mode writes it (cn_json_to_string),
 * is one line of valid UTF-8 without a raw control character (none below
 * 0x20, no DEL, no C1, no U+2028/U+2029, no bidi control), and parses back. */
static inline void
cn_fuzz_check_json (const CnNotice *n, GDateTime *now)
{
  g_autoptr (JsonNode) node = cn_output_json (n, now);
  CN_FUZZ_CHECK (node != NULL, "J1: cn_output_json returned NULL");
  g_autofree char *text = cn_json_to_string (node);
  if (cn_fuzz_check_on ("J2")) {
    /* what parse writes, without the builder (output.c) */
    char *buf = NULL;
    size_t blen = 0;
    FILE *f = open_memstream (&buf, &blen);
    CN_FUZZ_CHECK (f != NULL, "open_memstream failed");
    cn_output_write (f, CN_FORMAT_JSON, n, now, FALSE, FALSE);
    CN_FUZZ_CHECK (fclose (f) == 0, "writing the JSON line failed");
    g_autofree char *line = buf;
    CN_FUZZ_CHECK (blen > 0 && line[blen - 1] == '\n' && blen - 1 == strlen (text) &&
                   memcmp (line, text, blen - 1) == 0,
                   "J2: cn_output_write writes \"%.400s\", cn_output_json builds \"%.400s\"", line, text);
  }
  if (!cn_fuzz_check_on ("J1"))
    return;
  gsize len = strlen (text);
  CN_FUZZ_CHECK (g_utf8_validate (text, (gssize) len, NULL), "J1: the JSON is not valid UTF-8: %.400s",
                 text);
  for (const char *p = text; *p; p = g_utf8_next_char (p)) {
    gunichar u = g_utf8_get_char (p);
    if (u < 0x20 || (u >= 0x7f && u <= 0x9f) || u == 0x2028 || u == 0x2029 || (u >= 0x202a && u <= 0x202e) ||
        (u >= 0x2066 && u <= 0x2069) || u == 0x200e || u == 0x200f || u == 0x061c) {
      g_autofree char *esc = cn_fuzz_escape (text, len);
      CN_FUZZ_CHECK (FALSE, "J1: raw control character U+%04X at byte %zu of the JSON: \"%.600s\"", u,
                     (size_t) (p - text), esc);
    }
  }
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) e = NULL;
  CN_FUZZ_CHECK (json_parser_load_from_data (parser, text, (gssize) len, &e),
                 "J1: the JSON does not parse back (%s): %.400s", e ? e->message : "?", text);
}

/* T1, T2, T3: the text report of N (no colour) holds no control characters,
 * and is valid UTF-8 without bidi controls. */
static inline void
cn_fuzz_check_text (const CnNotice *n, GDateTime *now)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);
  CN_FUZZ_CHECK (f != NULL, "open_memstream failed");
  cn_output_write (f, CN_FORMAT_TEXT, n, now, FALSE, TRUE);
  CN_FUZZ_CHECK (fclose (f) == 0, "writing the text report failed");
  if (cn_fuzz_check_on ("T3")) {
    CN_FUZZ_CHECK (g_utf8_validate (buf, (gssize) len, NULL), "T3: the text report is not valid UTF-8");
    for (const char *p = buf; p < buf + len; p = g_utf8_next_char (p)) {
      gunichar u = g_utf8_get_char (p);
      if ((u >= 0x202a && u <= 0x202e) || (u >= 0x2066 && u <= 0x2069) || u == 0x200e || u == 0x200f ||
          u == 0x061c) {
        g_autofree char *esc = cn_fuzz_escape (buf, len);
        CN_FUZZ_CHECK (FALSE, "T3: bidi control U+%04X at byte %zu of the text report: \"%.600s\"", u,
                       (size_t) (p - buf), esc);
      }
    }
  }
  for (size_t i = 0; i < len; i++) {
    guchar c = (guchar) buf[i];
    gboolean c1 = c == 0xc2 && i + 1 < len && (guchar) buf[i + 1] >= 0x80 && (guchar) buf[i + 1] <= 0x9f;
    if ((cn_fuzz_check_on ("T1") && ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)) ||
        (cn_fuzz_check_on ("T2") && c1)) {
      g_autofree char *esc = cn_fuzz_escape (buf, len);
      CN_FUZZ_CHECK (FALSE, "%s: control character %s%02X at byte %zu of the text report: \"%.600s\"",
                     c1 ? "T2" : "T1", c1 ? "U+00" : "0x", c1 ? (guchar) buf[i + 1] : c, i, esc);
    }
  }
  free (buf);
}

/* H1, H2: H is what cn_filter_headers() returns. */
static inline void
cn_fuzz_check_header_block (const char *h)
{
  if (*h == '\0')
    return;
  g_autofree char *esc = cn_fuzz_escape (h, strlen (h));
  if (cn_fuzz_check_on ("H1")) {
    CN_FUZZ_CHECK (h[strlen (h) - 1] == '\n', "H1: the header block does not end in a line end: \"%s\"", esc);
    CN_FUZZ_CHECK (g_str_has_prefix (h, "X-Certnotice-Verdict: "), "H1: no verdict field first: \"%s\"", esc);
    const char *v = h + strlen ("X-Certnotice-Verdict: ");
    g_autofree char *verdict = g_strndup (v, strcspn (v, "\n"));
    CnVerdict parsed;
    CN_FUZZ_CHECK (cn_verdict_from_name (verdict, &parsed) && parsed != CN_VERDICT_NOT_A_NOTICE,
                   "H1: verdict \"%s\"", verdict);
  }
  int fields = 0;
  for (const char *p = h; *p;) {
    const char *nl = strchr (p, '\n');
    if (nl == NULL)
      break;     /* reported above */
    gsize n = (gsize) (nl - p);
    if (cn_fuzz_check_on ("H1")) {
      CN_FUZZ_CHECK (n > 0, "H1: empty line in the header block: \"%s\"", esc);
      if (p[0] == '\t' || p[0] == ' ') {
        /* folded before an existing space (RFC 5322 3.2.2): it starts with it */
        CN_FUZZ_CHECK (p[0] == ' ', "H1: folded line does not start with the folded space: \"%s\"", esc);
        CN_FUZZ_CHECK (strspn (p, " \t") < n, "H1: blank folded line at byte %zu: \"%s\"",
                       (size_t) (p - h), esc);
      } else {
        fields++;
        CN_FUZZ_CHECK (fields <= 2, "H1: more than two fields: \"%s\"", esc);
        CN_FUZZ_CHECK (fields == 1 || g_str_has_prefix (p, "X-Certnotice: "),
                       "H1: second field is not X-Certnotice: \"%s\"", esc);
      }
      for (gsize i = 0; i < n; i++) {
        guchar c = (guchar) p[i];
        CN_FUZZ_CHECK (c == '\t' || (c >= 0x20 && c < 0x7f),
                       "H1: byte 0x%02x in the header block: \"%s\"", c, esc);
      }
    }
    if (cn_fuzz_check_on ("H2") && n > 998) {
      g_autofree char *line = cn_fuzz_escape (p, MIN (n, 300));
      CN_FUZZ_CHECK (FALSE, "H2: header line of %zu octets (RFC 5322 allows 998): \"%s…\"",
                     (size_t) n, line);
    }
    p = nl + 1;
  }
  if (cn_fuzz_check_on ("H1"))
    CN_FUZZ_CHECK (fields == 2, "H1: %d fields: \"%s\"", fields, esc);
}
