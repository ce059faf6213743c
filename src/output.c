/* output.c — report results: JSON Lines for programs, text for people.
 *
 * JSON is the machine format: English, the fields certnotice(1) lists.
 * Text is for people and in their language (po/): one line per message,
 * the details under the lines that need attention (all of them with -v),
 * and a summary line.  Everything taken from a mail, a certificate or the
 * network goes through cn_safe() before it reaches a terminal. */
#include "output.h"
#include "tlscheck.h"
#include "json.h"

#include "i18n.h"
#include <string.h>

static char *
ymd (const GDate *d)
{
  if (d == NULL)
    return NULL;
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (d), g_date_get_month (d),
                          g_date_get_day (d));
}

JsonNode *
cn_output_json (const CnNotice *n, GDateTime *now)
{
  const CnMail *m = n->mail;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  cn_json_member_string (b, "source", m->source);
  if (m->index) {
    json_builder_set_member_name (b, "index");
    json_builder_add_int_value (b, m->index);
  }
  if (m->part)
    cn_json_member_string (b, "part", m->part);
  cn_json_member_string (b, "message_id", m->message_id);
  g_autofree char *date = cn_iso8601 (m->date);
  cn_json_member_string (b, "date", date);
  cn_json_member_string (b, "provider", n->rule ? n->rule->id : NULL);
  cn_json_member_string (b, "notice", n->kind ? n->kind->id : NULL);
  cn_json_member_string (b, "confidence", cn_confidence_name (n->confidence));
  cn_json_member_string (b, "domain", n->domain);
  cn_json_member_strv (b, "domains", (char *const *) n->domains->pdata, n->domains->len);
  cn_json_member_string (b, "account", n->account);
  json_builder_set_member_name (b, "days_claimed");
  if (n->days >= 0)
    json_builder_add_int_value (b, n->days);
  else
    json_builder_add_null_value (b);
  g_autofree char *exp = ymd (n->expires);
  cn_json_member_string (b, "expires_claimed", exp);
  json_builder_set_member_name (b, "authentic");
  if (n->rule == NULL || n->authentic == CN_UNKNOWN)
    json_builder_add_null_value (b);
  else
    json_builder_add_boolean_value (b, n->authentic == CN_TRUE);
  cn_json_member_string (b, "verdict", cn_verdict_name (n->verdict));
  cn_json_member_strv (b, "reasons", (char *const *) n->reasons->pdata, n->reasons->len);
  char **steps = n->kind ? cn_kind_remediation (n->kind) : NULL;
  cn_json_member_strv (b, "remediation", steps, steps ? g_strv_length (steps) : 0);
  cn_json_member_string (b, "support_url", n->rule ? n->rule->support_url : NULL);
  json_builder_set_member_name (b, "live");
  if (n->live)
    json_builder_add_value (b, cn_live_to_json (n->live, now));
  else
    json_builder_add_null_value (b);
  if (n->lives->len > 1) {
    /* every name checked, in the order of domains (null: not checked) */
    json_builder_set_member_name (b, "lives");
    json_builder_begin_array (b);
    for (guint i = 0; i < n->lives->len; i++) {
      const CnLive *l = n->lives->pdata[i];
      if (l)
        json_builder_add_value (b, cn_live_to_json (l, now));
      else
        json_builder_add_null_value (b);
    }
    json_builder_end_array (b);
  }
  cn_json_member_string (b, "error", n->internal_error);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* ---- JSON written directly ----
 *
 * The record of cn_output_json() as cn_json_to_string() writes it, without
 * building the tree: most records of a batch are mail that is no notice,
 * and json-glib's builder cost them more than reading the mail.  Only for a
 * notice without a live check (what the live check adds is written by
 * tlscheck.c's builder); test-prefilter and fuzz-mail (J2) compare the two
 * on every record they make. */

/* NAME and its colon, after a comma unless the object was just opened. */
static void
member (GString *out, const char *name)
{
  if (out->str[out->len - 1] != '{')   /* no value ends in '{' */
    g_string_append_c (out, ',');
  cn_json_append_string (out, name, -1);
  g_string_append_c (out, ':');
}

static void
member_string (GString *out, const char *name, const char *v)
{
  member (out, name);
  if (v)
    cn_json_append_string (out, v, -1);
  else
    g_string_append (out, "null");
}

static void
member_strv (GString *out, const char *name, char *const *v, guint n)
{
  member (out, name);
  g_string_append_c (out, '[');
  for (guint i = 0; v && i < n && v[i]; i++) {
    if (i)
      g_string_append_c (out, ',');
    cn_json_append_string (out, v[i], -1);
  }
  g_string_append_c (out, ']');
}

/* Append N's JSON record to OUT; FALSE (nothing appended) when it has a
 * live check. */
static gboolean
json_direct (GString *out, const CnNotice *n)
{
  if (n->live || n->lives->len > 1)
    return FALSE;
  const CnMail *m = n->mail;
  g_string_append_c (out, '{');
  member_string (out, "source", m->source);
  if (m->index) {
    member (out, "index");
    g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) m->index);
  }
  if (m->part)
    member_string (out, "part", m->part);
  member_string (out, "message_id", m->message_id);
  g_autofree char *date = cn_iso8601 (m->date);
  member_string (out, "date", date);
  member_string (out, "provider", n->rule ? n->rule->id : NULL);
  member_string (out, "notice", n->kind ? n->kind->id : NULL);
  member_string (out, "confidence", cn_confidence_name (n->confidence));
  member_string (out, "domain", n->domain);
  member_strv (out, "domains", (char *const *) n->domains->pdata, n->domains->len);
  member_string (out, "account", n->account);
  member (out, "days_claimed");
  if (n->days >= 0)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, n->days);
  else
    g_string_append (out, "null");
  g_autofree char *exp = ymd (n->expires);
  member_string (out, "expires_claimed", exp);
  member (out, "authentic");
  g_string_append (out, n->rule == NULL || n->authentic == CN_UNKNOWN ? "null"
                        : n->authentic == CN_TRUE ? "true" : "false");
  member_string (out, "verdict", cn_verdict_name (n->verdict));
  member_strv (out, "reasons", (char *const *) n->reasons->pdata, n->reasons->len);
  char **steps = n->kind ? cn_kind_remediation (n->kind) : NULL;   /* borrowed */
  member_strv (out, "remediation", steps, steps ? g_strv_length (steps) : 0);
  member_string (out, "support_url", n->rule ? n->rule->support_url : NULL);
  member (out, "live");
  g_string_append (out, "null");
  member_string (out, "error", n->internal_error);
  g_string_append_c (out, '}');
  return TRUE;
}

static const char *
verdict_colour (CnVerdict v)
{
  switch (v) {
  case CN_VERDICT_ACTION_REQUIRED:
  case CN_VERDICT_EXPIRED:
    return "\033[1;31m";
  case CN_VERDICT_SUSPICIOUS:
    return "\033[1;35m";
  case CN_VERDICT_RENEWED:
    return "\033[32m";
  case CN_VERDICT_UNVERIFIED:
    return "\033[33m";
  default:
    return "\033[2m";
  }
}

/* ---- text for a terminal ---- */

/* A bidirectional formatting character: embeddings and overrides
 * (U+202A–U+202E), isolates (U+2066–U+2069), marks (U+200E, U+200F,
 * U+061C).  They reorder what follows on screen ("Trojan Source"). */
static gboolean
is_bidi_control (gunichar u)
{
  return (u >= 0x202a && u <= 0x202e) || (u >= 0x2066 && u <= 0x2069) || u == 0x200e || u == 0x200f ||
         u == 0x061c;
}

/* S for a terminal: C0 controls but tab (and '\n' with LINES), DEL, C1
 * controls and bidi controls become '?', bytes that are not UTF-8 U+FFFD, so
 * nothing taken from a mail can move the cursor, start an escape (an 8-bit
 * terminal takes a raw 0x9b for CSI) or reorder the line.  Returns a string
 * owned by TMP (valid until its next use). */
static const char *
sanitise (GString *tmp, const char *s, gboolean lines)
{
  g_string_truncate (tmp, 0);
  const char *p = s ? s : "";
  const char *end = p + strlen (p);
  while (p < end) {
    guchar c = (guchar) *p;
    if (c < 0x80) {
      gboolean keep = c == '\t' || (lines && c == '\n') || (c >= 0x20 && c != 0x7f);
      g_string_append_c (tmp, keep ? (char) c : '?');
      p++;
      continue;
    }
    gunichar u = g_utf8_get_char_validated (p, end - p);
    if (u == (gunichar) -1 || u == (gunichar) -2) {
      g_string_append (tmp, "\xef\xbf\xbd");
      p++;
      continue;
    }
    const char *next = g_utf8_next_char (p);
    if ((u >= 0x80 && u <= 0x9f) || is_bidi_control (u))
      g_string_append_c (tmp, '?');
    else
      g_string_append_len (tmp, p, next - p);
    p = next;
  }
  return tmp->str;
}

const char *
cn_safe (GString *tmp, const char *s)
{
  return sanitise (tmp, s, FALSE);
}

const char *
cn_safe_lines (GString *tmp, const char *s)
{
  return sanitise (tmp, s, TRUE);
}

void
cn_safe_fputs (const char *s, FILE *out)
{
  g_autoptr (GString) tmp = g_string_new (NULL);
  fputs (cn_safe_lines (tmp, s), out);
}

/* ---- text: columns ---- */

/* Terminal columns of C: wide East Asian characters take two, combining
 * marks none. */
static int
unichar_width (gunichar c)
{
  return g_unichar_iszerowidth (c) ? 0 : g_unichar_iswide (c) ? 2 : 1;
}

int
cn_text_width (const char *s)
{
  int w = 0;
  const char *p = s ? s : "";
  while (*p) {
    gunichar c = g_utf8_get_char_validated (p, -1);
    if (c == (gunichar) -1 || c == (gunichar) -2) {
      w++;   /* a stray byte: shown as one replacement character */
      p++;
      continue;
    }
    p = g_utf8_next_char (p);
    w += unichar_width (c);
  }
  return w;
}

void
cn_text_pad (GString *out, const char *text, int width)
{
  g_string_append (out, text);
  for (int w = cn_text_width (text); w < width; w++)
    g_string_append_c (out, ' ');
}

void
cn_text_fit (GString *out, const char *text, int width)
{
  if (cn_text_width (text) <= width) {
    g_string_append (out, text);
    return;
  }
  int w = 0;
  const char *p = text;
  while (*p) {
    gunichar c = g_utf8_get_char_validated (p, -1);
    gboolean stray = c == (gunichar) -1 || c == (gunichar) -2;
    const char *next = stray ? p + 1 : g_utf8_next_char (p);
    int cw = stray ? 1 : unichar_width (c);
    if (w + cw > width - 1)   /* leave a column for the ellipsis */
      break;
    g_string_append_len (out, p, next - p);
    w += cw;
    p = next;
  }
  g_string_append (out, "…");
}

/* ---- text: words ---- */

const char *
cn_output_verdict_label (CnVerdict v)
{
  switch (v) {
  /* TRANSLATORS: the verdicts as a line of text output starts with them
   * (a column: keep them short; capitals where the script has them) */
  case CN_VERDICT_NOT_A_NOTICE: return _("not a notice");
  case CN_VERDICT_UNVERIFIED: return _("UNVERIFIED");
  case CN_VERDICT_RENEWED: return _("RENEWED");
  case CN_VERDICT_ACTION_REQUIRED: return _("ACTION-REQUIRED");
  case CN_VERDICT_EXPIRED: return _("EXPIRED");
  case CN_VERDICT_SUSPICIOUS: return _("SUSPICIOUS");
  case CN_VERDICT_COUNT: break;
  }
  return "?";
}

const char *
cn_output_verdict_word (CnVerdict v)
{
  switch (v) {
  /* TRANSLATORS: the verdicts in running text, as in "2 action-required" */
  case CN_VERDICT_NOT_A_NOTICE: return C_("verdict", "not a notice");
  case CN_VERDICT_UNVERIFIED: return C_("verdict", "unverified");
  case CN_VERDICT_RENEWED: return C_("verdict", "renewed");
  case CN_VERDICT_ACTION_REQUIRED: return C_("verdict", "action-required");
  case CN_VERDICT_EXPIRED: return C_("verdict", "expired");
  case CN_VERDICT_SUSPICIOUS: return C_("verdict", "suspicious");
  case CN_VERDICT_COUNT: break;
  }
  return "?";
}

static int
verdict_width (void)
{
  int w = 0;
  for (int v = 0; v < CN_VERDICT_COUNT; v++)
    w = MAX (w, cn_text_width (cn_output_verdict_label ((CnVerdict) v)));
  return w;
}

int
cn_output_provider_width (const CnRuleSet *rules)
{
  int w = 8;
  for (guint i = 0; rules && i < rules->rules->len; i++)
    w = MAX (w, (int) strlen (((const CnRule *) rules->rules->pdata[i])->id));
  return MIN (w, 24);
}

static void
append_days_left (GString *s, gint64 days)
{
  int d = (int) CLAMP (days, -999999, 999999);
  g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "%d day left", "%d days left", d), d);
}

/* What the mail claims, for the line: "15 days left (2024-06-18)". */
static void
append_claim (GString *s, const CnNotice *n)
{
  g_autofree char *exp = ymd (n->expires);
  if (n->days >= 0 && exp) {
    g_autoptr (GString) d = g_string_new (NULL);
    append_days_left (d, n->days);
    /* TRANSLATORS: the claim of a mail: "15 days left (2024-06-18)" */
    g_string_append_printf (s, _("%s (%s)"), d->str, exp);
  } else if (n->days >= 0) {
    append_days_left (s, n->days);
  } else if (exp) {
    g_string_append_printf (s, _("expires %s"), exp);
  }
}

const char *
cn_output_live_status_word (CnLiveStatus st)
{
  switch (st) {
  /* TRANSLATORS: the state of the certificate a site serves */
  case CN_LIVE_OK: return _("ok");
  case CN_LIVE_EXPIRING: return _("expiring");
  case CN_LIVE_EXPIRED: return _("expired");
  case CN_LIVE_UNTRUSTED: return _("untrusted");
  case CN_LIVE_NAME_MISMATCH: return _("wrong name");
  case CN_LIVE_UNREACHABLE: return _("unreachable");
  case CN_LIVE_TIMEOUT: return _("timed out");
  case CN_LIVE_COUNT: break;
  }
  return "?";
}

/* The live result in a few words: "9 days left", "expired 5 days ago",
 * "wrong name, 80 days left", "unreachable". */
static void
append_live_short (GString *s, const CnLive *l, GDateTime *now)
{
  gint64 dl = cn_live_days_left (l, now);
  if (dl == G_MININT64) {
    g_string_append (s, cn_output_live_status_word (l->status));
    return;
  }
  if (l->status == CN_LIVE_EXPIRED) {
    int d = (int) MIN (-dl, 999999);
    g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "expired %d day ago", "expired %d days ago", d), d);
    return;
  }
  if (l->status != CN_LIVE_OK && l->status != CN_LIVE_EXPIRING) {
    g_string_append (s, cn_output_live_status_word (l->status));
    g_string_append (s, _(", "));
  }
  append_days_left (s, dl);
}

/* "samples/x.eml", "box.mbox #3", "x.eml [part 2]" */
static void
append_where (GString *s, GString *tmp, const CnMail *m)
{
  g_string_append (s, cn_safe (tmp, m->source));
  if (m->index)
    g_string_append_printf (s, " #%u", m->index);
  if (m->part)
    /* TRANSLATORS: where an attached message is in its mail: "[part 2]" */
    g_string_append_printf (s, _(" [part %s]"), cn_safe (tmp, m->part));
}

/* ---- text: the line ---- */

#define DOMAIN_COLUMN 26
#define CLAIM_COLUMN 31
#define LIVE_COLUMN 24

static void
colour_on (GString *s, const CnTextStyle *st, CnVerdict v)
{
  if (st->colour)
    g_string_append (s, verdict_colour (v));
}

static void
colour_off (GString *s, const CnTextStyle *st)
{
  if (st->colour)
    g_string_append (s, "\033[0m");
}

static void
append_verdict_column (GString *s, const CnTextStyle *st, CnVerdict v)
{
  const char *label = cn_output_verdict_label (v);
  colour_on (s, st, v);
  g_string_append (s, label);
  colour_off (s, st);
  for (int w = cn_text_width (label); w < verdict_width () + 2; w++)
    g_string_append_c (s, ' ');
}

static int
provider_column (const CnTextStyle *st, const CnNotice *n)
{
  int w = st->provider_width > 0 ? st->provider_width : 8;
  return MAX (w, n->rule ? (int) strlen (n->rule->id) : 0) + 2;
}

/* One line: verdict, provider, domain (+N more), the claim, the live
 * result, where the mail is. */
static void
text_line (GString *s, const CnNotice *n, CnVerdict v, const CnTextStyle *st)
{
  g_autoptr (GString) tmp = g_string_new (NULL);
  g_autoptr (GString) cell = g_string_new (NULL);
  const CnMail *m = n->mail;
  append_verdict_column (s, st, v);
  int middle = provider_column (st, n) + DOMAIN_COLUMN + 2 + CLAIM_COLUMN + 2 +
               (st->live_column ? LIVE_COLUMN + 2 : 0);
  if (n->rule == NULL) {
    /* a subject can be 64 KiB: show what fits */
    g_string_truncate (cell, 0);
    cn_text_fit (cell, *m->subject ? cn_safe (tmp, m->subject) : _("(no subject)"), middle - 2);
    cn_text_pad (s, cell->str, middle);
  } else {
    cn_text_pad (s, cn_safe (tmp, n->rule->id), provider_column (st, n));
    g_string_truncate (cell, 0);
    g_string_append (cell, n->domain ? cn_safe (tmp, n->domain) : _("(no domain)"));
    if (n->domains->len > 1)
      /* TRANSLATORS: after a domain: the notice names N more */
      g_string_append_printf (cell, _(" +%u more"), n->domains->len - 1);
    cn_text_pad (s, cell->str, DOMAIN_COLUMN);
    g_string_append (s, "  ");
    g_string_truncate (cell, 0);
    if (n->days >= 0 || n->expires) {
      /* TRANSLATORS: what the mail says, as opposed to what the site serves
       * ("live:"); the two labels should have the same width */
      g_string_append (cell, _("mail: "));
      append_claim (cell, n);
    }
    cn_text_pad (s, cell->str, CLAIM_COLUMN);
    g_string_append (s, "  ");
    if (st->live_column) {
      g_string_truncate (cell, 0);
      if (n->live) {
        g_string_append (cell, _("live: "));
        append_live_short (cell, n->live, st->now);
        if (n->live->domain && g_strcmp0 (n->live->domain, n->domain) != 0)
          g_string_append_printf (cell, " (%s)", cn_safe (tmp, n->live->domain));
      }
      cn_text_pad (s, cell->str, LIVE_COLUMN);
      g_string_append (s, "  ");
    }
  }
  append_where (s, tmp, m);
  g_string_append_c (s, '\n');
}

/* ---- text: the details ---- */

typedef struct {
  GString *s;
  GString *tmp;
  int width;     /* of the label column */
} Details;

static void
details_init (Details *d, GString *s)
{
  d->s = s;
  d->tmp = g_string_new (NULL);
  /* the widest label, so the texts line up in every language */
  const char *labels[] = {
    /* TRANSLATORS: labels of the details under a line; they form a column */
    _("why"), _("notice"), _("account"), _("names"), _("claim"), _("sender"),
    _("live"), _("error"), _("warning"), _("also"),
  };
  d->width = 0;
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    d->width = MAX (d->width, cn_text_width (labels[i]));
  d->width += 2;
}

static void
details_clear (Details *d)
{
  g_string_free (d->tmp, TRUE);
}

/* "  LABEL   TEXT\n"; TEXT is ours or already safe */
static void
detail (Details *d, const char *label, const char *text)
{
  g_string_append (d->s, "  ");
  cn_text_pad (d->s, label ? label : "", d->width);
  g_string_append (d->s, text);
  g_string_append_c (d->s, '\n');
}

static const char *
authenticity (CnTristate t)
{
  switch (t) {
  case CN_TRUE: return _("authentic (a trusted Authentication-Results pass)");
  case CN_FALSE: return _("NOT authentic");
  case CN_UNKNOWN: break;
  }
  return _("authenticity unknown (no trusted Authentication-Results)");
}

static void
detail_live (Details *d, const CnLive *l, GDateTime *now)
{
  g_autoptr (GString) t = g_string_new (cn_output_live_status_word (l->status));
  const CnEndpoint *w = l->worst && l->worst->have_cert ? l->worst : NULL;
  if (w) {
    g_autofree char *na = g_date_time_format (w->not_after, "%Y-%m-%d %H:%M UTC");
    gint64 dl = cn_live_days_left (l, now);
    if (dl < 0) {
      int ago = (int) MIN (-dl, 999999);
      g_autofree char *when = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day ago", "%d days ago", ago), ago);
      /* TRANSLATORS: after "expired": ", on 2024-06-17 10:00 UTC (5 days ago)" */
      g_string_append_printf (t, _(", on %s (%s)"), na, when);
    } else {
      g_autoptr (GString) left = g_string_new (NULL);
      append_days_left (left, dl);
      /* TRANSLATORS: "valid until 2024-06-17 10:00 UTC (9 days left)" */
      g_string_append_printf (t, _(", valid until %s (%s)"), na, left->str);
    }
    if (w->issuer)
      g_string_append_printf (t, _(", issued by %s"), cn_safe (d->tmp, w->issuer));
  }
  const char *err = l->error ? l->error : l->worst ? l->worst->error : NULL;
  if (err)
    g_string_append_printf (t, ": %s", cn_safe (d->tmp, err));
  detail (d, _("live"), t->str);
  for (guint i = 0; l->endpoints->len > 1 && i < l->endpoints->len; i++) {
    const CnEndpoint *e = l->endpoints->pdata[i];
    g_string_truncate (t, 0);
    g_string_append_printf (t, "  %-39s %s", cn_safe (d->tmp, e->address), cn_output_live_status_word (e->status));
    if (e->error)
      g_string_append_printf (t, ": %s", cn_safe (d->tmp, e->error));
    detail (d, NULL, t->str);
  }
}

void
cn_output_text_live (GString *out, const CnLive *live, GDateTime *now)
{
  Details d;
  details_init (&d, out);
  detail_live (&d, live, now);
  details_clear (&d);
}

static void
what_to_do (Details *d, const CnNotice *n, CnVerdict v)
{
  GString *s = d->s;
  g_string_append_printf (s, "  %s\n", _("what to do"));
  if (v == CN_VERDICT_SUSPICIOUS) {
    g_string_append_printf (s, "    %s\n", _("Do not follow links in this mail, reply to it, or enter a password "
                                           "it asks for."));
    g_string_append_printf (s, "    ");
    g_string_append_printf (s, _("If in doubt, log in to %s the way you always do, not from this mail."),
                            cn_safe (d->tmp, n->rule->name));
    g_string_append_c (s, '\n');
    g_string_append_printf (s, "    %s %s\n", _("genuine support:"), cn_safe (d->tmp, n->rule->support_url));
    return;
  }
  if (v == CN_VERDICT_RENEWED) {
    g_string_append_printf (s, "    %s\n", _("Nothing: the site already serves a renewed certificate."));
    return;
  }
  char **steps = cn_kind_remediation (n->kind);
  for (guint i = 0; steps && steps[i]; i++)
    g_string_append_printf (s, "    %u. %s\n", i + 1, cn_safe (d->tmp, steps[i]));
  g_string_append_printf (s, "    %s %s\n", _("support:"), cn_safe (d->tmp, n->rule->support_url));
}

/* N's reasons, the first under LABEL (NULL: none), in the user's language
 * and made safe (a reason may quote the mail). */
static void
reasons (Details *d, const CnNotice *n, const char *label)
{
  for (guint i = 0; i < n->reasons->len; i++)
    detail (d, i == 0 ? label : NULL, cn_safe (d->tmp, cn_notice_reason_local (n, n->reasons->pdata[i])));
}

/* Why N got verdict V, who sent it, what the site serves, what to do. */
static void
text_details (Details *d, const CnNotice *n, CnVerdict v, const CnTextStyle *st)
{
  const CnMail *m = n->mail;
  g_autoptr (GString) t = g_string_new (NULL);
  reasons (d, n, _("why"));

  /* one cn_safe() at a time: each reuses d->tmp */
  g_string_append_printf (t, "%s (", cn_safe (d->tmp, n->rule->name));
  g_string_append_printf (t, "%s): ", cn_safe (d->tmp, n->rule->id));
  g_string_append (t, cn_safe (d->tmp, n->kind->id));
  if (n->verdict != v)
    /* TRANSLATORS: a notice attached to a mail: its verdict on its own */
    g_string_append_printf (t, _(", on its own %s"), cn_output_verdict_word (n->verdict));
  detail (d, _("notice"), t->str);
  if (n->account)
    detail (d, _("account"), cn_safe (d->tmp, n->account));
  if (n->expires && !n->expires_stated) {
    g_string_truncate (t, 0);
    append_claim (t, n);
    g_string_append (t, _(", the date counted from the mail's date"));
    detail (d, _("claim"), t->str);
  }
  for (guint i = 0; n->domains->len > 1 && i < n->domains->len; i++) {
    g_string_truncate (t, 0);
    g_string_append (t, cn_safe (d->tmp, n->domains->pdata[i]));
    const CnLive *l = i < n->lives->len ? n->lives->pdata[i] : NULL;
    if (l) {
      g_string_append (t, "  ");
      append_live_short (t, l, st->now);
    }
    detail (d, i == 0 ? _("names") : NULL, t->str);
  }

  g_string_truncate (t, 0);
  g_string_append (t, m->from_addr ? cn_safe (d->tmp, m->from_addr) : _("(no From address)"));
  g_string_append (t, _(", "));
  g_string_append (t, authenticity (n->authentic));
  detail (d, _("sender"), t->str);

  if (n->live)
    detail_live (d, n->live, st->now);
  else if (n->domains->len > 0 && v == CN_VERDICT_SUSPICIOUS)
    detail (d, _("live"), _("not checked: the names in suspicious mail are contacted only with --check-suspicious"));
  else if (n->domains->len > 0 && n->lives->len == 0)
    detail (d, _("live"), _("not checked"));

  what_to_do (d, n, v);
}

/* The line for N as verdict V, then when FULL its details; ERROR (may be
 * NULL) always.  Returns whether anything was written under the line. */
static gboolean
text_block (GString *s, const CnNotice *n, CnVerdict v, const char *error, gboolean full,
            const CnTextStyle *st)
{
  text_line (s, n, v, st);
  gsize start = s->len;
  Details d;
  details_init (&d, s);
  if (full && n->rule)
    text_details (&d, n, v, st);
  else if (full)
    /* no notice: a pattern that gave up says so (a plain non-match has no
     * reasons), else a notice may be missed unseen */
    reasons (&d, n, _("why"));
  if (error) {
    g_autoptr (GString) t = g_string_new (cn_safe (d.tmp, error));
    g_string_append (t, _(": judging failed, a notice may have been missed"));
    detail (&d, _("error"), t->str);
  }
  details_clear (&d);
  return s->len > start;
}

static void
warnings (GString *s, const CnMail *m)
{
  Details d;
  details_init (&d, s);
  for (guint i = 0; i < m->warnings->len; i++) {
    g_autoptr (GString) t = g_string_new (NULL);
    if (m->part)
      g_string_append_printf (t, _("part %s: "), cn_safe (d.tmp, m->part));
    g_string_append (t, cn_safe (d.tmp, m->warnings->pdata[i]));
    detail (&d, _("warning"), t->str);
  }
  details_clear (&d);
}

void
cn_output_text_message (GString *out, const CnMessage *msg, const CnTextStyle *st)
{
  const CnNotice *speaker = msg->speaker;
  const CnNotice *first = speaker ? speaker : msg->notices->pdata[0];
  gboolean full = st->verbose || msg->error || cn_verdict_needs_attention (msg->verdict);
  gboolean more = text_block (out, first, msg->verdict, msg->error, full, st);
  if (st->verbose) {
    /* the other notices this message carries, and what decoding forgave */
    gsize before = out->len;
    Details d;
    details_init (&d, out);
    for (guint i = 0; i < msg->notices->len; i++) {
      const CnNotice *n = msg->notices->pdata[i];
      if (n == first || (n->rule == NULL && n->reasons->len == 0))
        continue;   /* shown above; a part that is plainly no notice */
      g_autoptr (GString) t = g_string_new (NULL);
      if (n->mail->part)
        g_string_append_printf (t, _("part %s: "), cn_safe (d.tmp, n->mail->part));
      g_string_append (t, cn_output_verdict_word (n->verdict));
      if (n->rule) {
        g_string_append_printf (t, " %s ", cn_safe (d.tmp, n->rule->id));
        g_string_append (t, n->domain ? cn_safe (d.tmp, n->domain) : _("(no domain)"));
      }
      detail (&d, _("also"), t->str);
      reasons (&d, n, NULL);
    }
    details_clear (&d);
    for (guint i = 0; i < msg->mails->len; i++)
      warnings (out, msg->mails->pdata[i]);
    more |= out->len > before;
  }
  /* details end with an empty line, so the next message's line stands out */
  if (more)
    g_string_append_c (out, '\n');
}

/* ---- text: the summary ---- */

void
cn_tally_add (CnTally *t, const CnMessage *msg, gboolean listed)
{
  t->messages++;
  if (msg->error)
    t->errors++;
  if (msg->speaker) {
    t->notices++;
    t->by_verdict[msg->verdict]++;
  } else if (!listed) {
    t->unlisted++;
  }
}

char *
cn_output_summary (const CnTally *t)
{
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "%u message read", "%u messages read", t->messages),
                          t->messages);
  g_string_append (s, _(": "));
  g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "%u notice", "%u notices", t->notices), t->notices);
  const char *sep = " (";
  for (int v = CN_VERDICT_COUNT - 1; v > CN_VERDICT_NOT_A_NOTICE; v--) {
    if (t->by_verdict[v] == 0)
      continue;
    g_string_append (s, sep);
    /* TRANSLATORS: a count and a verdict, as in "2 action-required"; use
     * %2$s %1$u to swap them */
    g_string_append_printf (s, _("%u %s"), t->by_verdict[v], cn_output_verdict_word ((CnVerdict) v));
    sep = _(", ");
  }
  if (*sep != ' ')
    g_string_append (s, ")");
  guint others = t->messages - t->notices;
  if (others) {
    g_string_append (s, _(", "));
    g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "%u other message", "%u other messages", others),
                            others);
    if (t->unlisted)
      g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, " (%u not listed: -v lists it)",
                                              " (%u not listed: -v lists them)", t->unlisted),
                              t->unlisted);
  }
  if (t->errors) {
    g_string_append (s, _("; "));
    g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE,
                                            "%u could not be judged: a notice may have been missed",
                                            "%u could not be judged: notices may have been missed", t->errors),
                            t->errors);
  }
  return g_string_free (s, FALSE);
}

/* ---- one notice at a time (imap) ---- */

void
cn_output_write (FILE *out, CnFormat format, const CnNotice *n, GDateTime *now,
                 gboolean colour, gboolean verbose)
{
  if (format == CN_FORMAT_JSON) {
    g_autoptr (GString) line = g_string_sized_new (512);
    if (!json_direct (line, n)) {
      g_autoptr (JsonNode) node = cn_output_json (n, now);
      g_autofree char *text = cn_json_to_string (node);
      g_string_append (line, text);
    }
    g_string_append_c (line, '\n');
    fwrite (line->str, 1, line->len, out);
    return;
  }
  CnTextStyle st = { .now = now, .colour = colour, .verbose = verbose, .live_column = TRUE };
  g_autoptr (GString) s = g_string_new (NULL);
  gboolean full = verbose || n->internal_error || cn_verdict_needs_attention (n->verdict);
  if (text_block (s, n, n->verdict, n->internal_error, full, &st))
    g_string_append_c (s, '\n');
  fputs (s->str, out);
}

void
cn_output_prometheus_label (GString *out, const char *v)
{
  for (const char *c = v ? v : ""; *c; c++) {
    if (*c == '\\' || *c == '"')
      g_string_append_c (out, '\\');
    if (*c == '\n')
      g_string_append (out, "\\n");
    else
      g_string_append_c (out, *c);
  }
}
