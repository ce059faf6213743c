/* output.h — report notices as text or JSON Lines. */
#pragma once

#include <stdio.h>
#include <json-glib/json-glib.h>
#include "rules.h"

G_BEGIN_DECLS

typedef enum {
  CN_FORMAT_TEXT,
  CN_FORMAT_JSON,
} CnFormat;

gboolean cn_format_from_name (const char *name, CnFormat *out);

/* The JSON object for N (caller json_node_unref()s). */
JsonNode *cn_output_json (const CnNotice *n, GDateTime *now);

/* Write N to OUT in FORMAT; COLOUR adds ANSI colours to text; VERBOSE adds
 * decoding warnings. */
void cn_output_write (FILE *out, CnFormat format, const CnNotice *n, GDateTime *now,
                      gboolean colour, gboolean verbose);

G_END_DECLS
