/* module.h — the two halves of certnotice.
 *
 * The certnotice executable links only GLib and PCRE2: command-line
 * dispatch (main.c), the config and the rules, the prefilter
 * (prefilter.c), and the filter's parent process with its fast path
 * (cmd-filter.c).  Everything else — reading MIME (GMime), JSON output
 * (json-glib), live checks (libcurl), every other command — is in a shared
 * module, LIBDIR/certnotice/certnotice-core.so, that main.c loads with
 * dlopen() on first use: at once for parse, check, imap, cases, recheck and
 * rules, and in
 * `filter` only in the judging child, for a mail the prefilter cannot rule
 * out.  Most mail a filter sees never loads it.
 *
 * The module uses the executable's functions (the executable exports them:
 * meson.build, export_dynamic), so config and rules loaded by the front
 * are used as they are.  Test programs link both halves statically.
 */
#pragma once

#include "cli.h"

G_BEGIN_DECLS

/* Bumped whenever this table changes: a module from another build is
 * refused rather than called. */
#define CN_MODULE_ABI 2

typedef struct {
  guint abi;                     /* CN_MODULE_ABI */
  /* the commands the module runs whole: (argc, argv) from the command
   * name on, as main() received them; the exit status */
  int (*parse) (int argc, char **argv);
  int (*check) (int argc, char **argv);
  int (*imap) (int argc, char **argv);
  int (*cases) (int argc, char **argv);
  int (*recheck) (int argc, char **argv);
  int (*rules) (int argc, char **argv);
  /* the filter's judging child (cmd-filter.c): judge DATA with CLI's
   * config, rules and options, report to FD, record in the ledger DB by
   * DEADLINE; never returns (filter.h) */
  void (*filter_judge) (int fd, CnCli *cli, const char *data, gsize len, const char *db,
                        gint64 deadline) G_GNUC_NORETURN;
} CnModule;

/* The module's table, by that name (module.c): the one symbol the module
 * exports (it is built with hidden visibility). */
#define CN_MODULE_EXPORT __attribute__ ((visibility ("default")))
extern const CnModule cn_module;

/* Load the module once per process: the one next to the source tree when
 * this executable runs from its meson build tree, else the installed one
 * (main.c).  NULL and ERROR when it cannot be loaded. */
const CnModule *cn_module_load (GError **error);

G_END_DECLS
