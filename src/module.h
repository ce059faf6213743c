/* module.h — the two halves of certnotice, and the two programs.
 *
 * The front links only GLib and PCRE2: command-line dispatch (main.c), the
 * config and the rules, the prefilter (prefilter.c), and the filter's
 * parent process with its fast path (cmd-filter.c).  Everything else —
 * reading MIME (GMime), JSON output (json-glib), live checks (libcurl),
 * every other command — is in a shared module,
 * LIBDIR/certnotice/certnotice-core.so, loaded with dlopen() on first use.
 *
 * Two programs (src/meson.build):
 *
 *   certnotice       (PREFIX/bin) the front alone, built with
 *                    CN_STATIC_FRONT: GLib, PCRE2 and libc linked
 *                    statically (static-pie, no dynamic loader), which
 *                    saves most of what starting a process costs beyond
 *                    exec itself (~0.3 ms a run: what `filter` pays for
 *                    most mail).  It has no user database (NSS:
 *                    front-userdb.c): without $HOME it becomes the full
 *                    program at once.  It runs `version`, `help`, usage
 *                    errors, and `filter` up to the prefilter's decision.
 *                    A process must never hold two GLibs, and GMime needs
 *                    the shared one: so the front never loads the module;
 *                    for everything that needs it, it becomes the full
 *                    program (cn_full_exec: execv, the same argv; `filter`
 *                    first puts the mail it read back on stdin).
 *   certnotice-full  (LIBDIR/certnotice, next to the module) the front and
 *                    the module's loader, GLib shared: loads the module at
 *                    once for parse, check, imap, cases, recheck and rules,
 *                    and in `filter` only in the judging child, for a mail
 *                    the prefilter cannot rule out.
 *
 * A sanitized build (b_sanitize) has no static front: its certnotice is the
 * full program (what certnotice-full is in a plain build).
 *
 * The module uses the full program's functions (it exports them:
 * meson.build, export_dynamic), so config and rules loaded by the front
 * code are used as they are.  Test programs link both halves statically.
 */
#pragma once

#include "cli.h"
#include "ledger.h"

G_BEGIN_DECLS

/* Bumped whenever this table changes: a module from another build is
 * refused rather than called. */
#define CN_MODULE_ABI 3

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
  int (*serve) (int argc, char **argv);
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
 * (main.c).  NULL and ERROR when it cannot be loaded.  Not in the front. */
const CnModule *cn_module_load (GError **error);

/* The front only (main.c): become certnotice-full (paths.h) with main()'s
 * argv — the module cannot be loaded into the front (two GLibs).  Returns
 * only when that failed (FALSE and ERROR, naming the path). */
gboolean cn_full_exec (GError **error);

G_END_DECLS
