/* test-notice.h — what the GTest programs ask of a judged notice (static:
 * each test program is one file that includes this). */
#pragma once

#include "certnotice.h"

#include <string.h>

/* Whether one of N's (English) reasons contains PART. */
static inline gboolean
has_reason (const CnNotice *n, const char *part)
{
  for (guint i = 0; i < n->reasons->len; i++)
    if (strstr (n->reasons->pdata[i], part))
      return TRUE;
  return FALSE;
}
