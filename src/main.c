/* main.c — command line: certnotice parse | filter | imap | check | cases |
 * recheck | rules;
 * and loading the module that runs all of them but the filter's front, or,
 * built as the front (CN_STATIC_FRONT), becoming the full program that
 * loads it (module.h). */
#include "buildinfo.h"
#include "judge.h"
#include "module.h"
#include "paths.h"
#include "text.h"

#include "i18n.h"
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Set by the front across its exec of the full program.  A front that
 * finds it set was started by a front: what is installed as the full
 * program is a front too (a broken installation), and exec'ing it again
 * would never end.  The full program clears it at once, so that nothing it
 * starts (a hook running `certnotice cases`) inherits it. */
#define FRONT_EXEC_ENV "CERTNOTICE_FRONT_EXEC"

#ifdef CN_STATIC_FRONT
/* The front (module.h): GLib and PCRE2 are linked into it, and a process
 * must never hold two GLibs, so the module, which needs the shared one
 * (GMime does), can never be loaded here.  What needs the module is run by
 * the full program instead: this process becomes it. */

static char **main_argv;   /* main()'s argv as it came (a copy: option parsing
                              reorders the array), for the full program */

static void
keep_argv (int argc, char **argv)
{
  main_argv = g_memdup2 (argv, ((gsize) argc + 1) * sizeof *argv);
}

gboolean
cn_full_exec (GError **error)
{
  g_autofree char *path = cn_paths_full ();
  if (g_getenv (FRONT_EXEC_ENV)) {
    g_set_error (error, CN_ERROR, CN_ERROR_INTERNAL,
                 _("%s is not the full program (it runs as the front again): the installation is broken"), path);
    return FALSE;
  }
  fflush (NULL);
  g_setenv (FRONT_EXEC_ENV, "1", TRUE);
  /* argv[0] as given: the full program's messages say "certnotice" */
  execv (path, main_argv);
  int err = errno;
  g_unsetenv (FRONT_EXEC_ENV);
  g_set_error (error, CN_ERROR, CN_ERROR_INTERNAL, _("cannot run %s: %s"), path, g_strerror (err));
  return FALSE;
}

/* The module's commands: the full program runs them.  Returns only when
 * this process could not become it (NULL and ERROR). */
static const CnModule *
command_module (GError **error)
{
  cn_full_exec (error);
  return NULL;
}
#else
const CnModule *
cn_module_load (GError **error)
{
  static const CnModule *module;
  if (module)
    return module;
  /* the build tree's module for a binary run from there, else the
   * installed one */
  const char *path = cn_paths_module ();
  void *h = dlopen (path, RTLD_NOW | RTLD_LOCAL);
  if (h == NULL) {
    g_set_error (error, CN_ERROR, CN_ERROR_INTERNAL, _("cannot load the module: %s"), dlerror ());
    return NULL;
  }
  const CnModule *m = dlsym (h, "cn_module");
  if (m == NULL || m->abi != CN_MODULE_ABI) {
    g_set_error (error, CN_ERROR, CN_ERROR_INTERNAL, m ? _("%s: a module of another build of certnotice")
                                                       : _("%s: not a certnotice module"), path);
    dlclose (h);
    return NULL;
  }
  module = m;   /* loaded for good */
  return module;
}

static void
keep_argv (int argc, char **argv)
{
  (void) argc;
  (void) argv;
}

#define command_module cn_module_load
#endif

/* The commands and what they do, one line each (one string to translate
 * per command). */
static const struct {
  const char *synopsis;
  const char *what;
} commands[] = {
  { "parse PATH…", N_("judge saved mail: .eml, mbox, Maildir, or - for stdin") },
  { "filter", N_("one mail on stdin → the same mail with verdict headers") },
  { "imap", N_("poll IMAP mailboxes (--url or [account] in the config)") },
  { "check DOMAIN[:PORT]…", N_("check certificates without a mail (--from FILE)") },
  { "cases", N_("certificate cases of the ledger (--all: resolved too)") },
  { "cases forget DOMAIN", N_("drop a domain's cases from the ledger") },
  { "recheck", N_("check every open case live again; resolve or escalate it") },
  { "serve", N_("judge for filter: keep the rules loaded, answer on a socket") },
  { "rules check [DIR]", N_("validate rule files") },
  { "rules list", N_("list providers and their notice kinds") },
  { "rules test FILE", N_("show which rule matches a mail and what it captured") },
  { "version", N_("print the version") },
};

static void
usage (FILE *out)
{
  g_autoptr (GString) s = g_string_new (_("usage: certnotice COMMAND [OPTION…] [ARG…]"));
  g_string_append_printf (s, "\n\n%s\n", _("commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++) {
    /* a synopsis is ASCII and '…': one column per character (output.c's
     * cn_text_pad is in the module) */
    g_string_append_printf (s, "  %s%*s %s\n", commands[i].synopsis,
                            (int) MAX (0, 19 - (glong) g_utf8_strlen (commands[i].synopsis, -1)), "",
                            _(commands[i].what));
  }
  g_string_append_printf (s, "\n%s\n", _("'certnotice COMMAND --help' lists a command's options; see certnotice(1)."));
  fputs (s->str, out);
}

int
main (int argc, char **argv)
{
  keep_argv (argc, argv);
#ifndef CN_STATIC_FRONT
  /* the front became this program: it asked the judge already (judge.h) */
  cn_judge_asked = g_getenv (FRONT_EXEC_ENV) != NULL;
  g_unsetenv (FRONT_EXEC_ENV);
#endif
#ifdef CN_STATIC_FRONT
  /* on first need (i18n.h): most mail is never told anything */
  cn_i18n_init (FALSE);
#ifdef CN_STATIC_LIBC
  cn_text_doubt_iconv ();
  /* no $HOME: the home directory is the user database's, which only the
   * full program reads (front-userdb.c); it does all of this run */
  if (g_getenv ("HOME") == NULL && argc >= 2 && strcmp (argv[1], "version") != 0) {
    g_autoptr (GError) e = NULL;
    cn_full_exec (&e);
    fprintf (stderr, "certnotice: %s\n", e->message);
    return strcmp (argv[1], "filter") == 0 ? CN_EXIT_TEMPFAIL : CN_EXIT_SOFTWARE;
  }
#endif
#else
  cn_i18n_init (TRUE);
#endif
  if (argc < 2) {
    usage (stderr);
    return CN_EXIT_USAGE;
  }
  const char *cmd = argv[1];
  /* the filter's front runs here: most mail never needs the module */
  if (!strcmp (cmd, "filter"))
    return cn_cmd_filter (argc - 1, argv + 1);
  if (!strcmp (cmd, "version") || !strcmp (cmd, "--version")) {
    printf ("certnotice %s\n", CERTNOTICE_VERSION);
    return CN_EXIT_OK;
  }
  if (!strcmp (cmd, "help") || !strcmp (cmd, "--help") || !strcmp (cmd, "-h")) {
    usage (stdout);
    return CN_EXIT_OK;
  }
  int (*run) (int, char **) = NULL;
  g_autoptr (GError) e = NULL;
  const CnModule *m = NULL;
  gboolean known = !strcmp (cmd, "parse") || !strcmp (cmd, "imap") || !strcmp (cmd, "check") ||
                   !strcmp (cmd, "cases") || !strcmp (cmd, "recheck") || !strcmp (cmd, "rules") || !strcmp (cmd, "serve");
  if (known && (m = command_module (&e)) == NULL) {
    fprintf (stderr, "certnotice %s: %s\n", cmd, e->message);
    return CN_EXIT_SOFTWARE;
  }
  if (!strcmp (cmd, "parse"))
    run = m->parse;
  else if (!strcmp (cmd, "imap"))
    run = m->imap;
  else if (!strcmp (cmd, "check"))
    run = m->check;
  else if (!strcmp (cmd, "cases"))
    run = m->cases;
  else if (!strcmp (cmd, "recheck"))
    run = m->recheck;
  else if (!strcmp (cmd, "rules"))
    run = m->rules;
  else if (!strcmp (cmd, "serve"))
    run = m->serve;
  if (run)
    return run (argc - 1, argv + 1);
  fprintf (stderr, _("certnotice: unknown command '%s'\n"), cmd);
  usage (stderr);
  return CN_EXIT_USAGE;
}
