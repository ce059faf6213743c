/* judge.h — a judge: `certnotice serve`, a long-running process of the
 * user's that judges the mail `filter` cannot rule out, as spamd does for
 * spamc.  What one-shot `filter` pays for such a mail is mostly start-up —
 * the module and GMime's twenty libraries, the rules compiled, the ledger
 * opened (~25 M instructions) — and a judge has it all done already.
 *
 * The filter asks a judge when its socket is there, and judges the mail
 * itself (as it ever did) when it is not, when it will not serve this
 * filter, or when it fails before it said it would.  Once it said so, it
 * is the judging process: the filter reads its blocks (filter.h) until
 * the budget ends, exactly as from its own judging child, and the mail
 * goes out from the filter whatever the judge does — so a judge can delay
 * a verdict, never lose or alter a mail.
 *
 * The socket: [certnotice] judge_socket (none: never ask), else
 * $XDG_RUNTIME_DIR/certnotice/judge.sock, else
 * /run/user/UID/certnotice/judge.sock (procmail's environment has no
 * XDG_RUNTIME_DIR; systemd's user manager makes that directory).  Both
 * ends check the other's user (SO_PEERCRED): a judge serves only its own
 * user and a filter asks only a judge of its own user.
 *
 * The request, written by the filter in one go, with three descriptors
 * (SCM_RIGHTS): the mail (a memfd), the filter's stderr, its working
 * directory; and the bytes
 *
 *   "certnotice-judge 1 VERSION N\n"  then N bytes of NUL-ended words:
 *   deadline (monotonic µs), umask (octal), the set-up of its rules (the
 *   prefilter cache's key, prefilter-cache.h, or empty), argc, the
 *   filter's argv from "filter" on, then its environment, a word per
 *   variable.
 *
 * The answer: "ok\n" and the blocks of filter.h (the "ok" in one write
 * with the first block, once the mail is judged), then the end of the
 * connection, once the final block is written (the judge records the
 * notice after it); or "no REASON\n".  A judge
 * refuses a filter of another version, and one whose environment differs
 * where it decides how the mail is judged (cn_judge_env_differs): it would
 * find other files.  Everything else of the filter's — its command line,
 * working directory, umask, environment, stderr — is the judging
 * process's, so the hooks a case runs see what they would see under the
 * filter.
 */
#pragma once

#include "config.h"

G_BEGIN_DECLS

typedef enum {
  CN_JUDGE_ABSENT,    /* no judge there: judge the mail here, nothing to say    */
  CN_JUDGE_REFUSED,   /* a judge that will not or cannot: judge here, say why   */
  CN_JUDGE_OK,        /* the judge judges: read the blocks from the descriptor */
} CnJudgeAnswer;

/* Where the judge of CONFIG listens (the file's comment), or NULL for
 * none (judge_socket = none).  A new string. */
char *cn_judge_socket_path (const CnConfig *config);

/* Ask the judge at PATH to judge DATA (LEN bytes) for the filter whose
 * command line is ARGV (ARGC words from "filter" on) and whose rules'
 * set-up is KEY (cn_prefilter_cache_key, or NULL), by DEADLINE (monotonic
 * µs).  CN_JUDGE_OK: *FD is the connection to read the blocks
 * from (the caller closes it).  CN_JUDGE_REFUSED: *WHY (a new string) says
 * why. */
CnJudgeAnswer cn_judge_ask (const char *path, const char *data, gsize len, const char *key, int argc,
                            char **argv, gint64 deadline, int *fd, char **why);

/* The judge's side: a request as read from the connection. */
typedef struct {
  int mail_fd, stderr_fd, cwd_fd;   /* -1 when not sent                 */
  gint64 deadline;
  guint umask;
  char *key;                        /* the filter's rules' set-up, or NULL */
  int argc;
  char **argv;                      /* NULL-terminated                  */
  char **envp;                      /* NULL-terminated                  */
} CnJudgeRequest;

/* Read one request from CONN, waiting at most TIMEOUT_MS for each part.
 * FALSE and *WHY (a new string, for a "no" answer) when it is none of
 * this version's. */
gboolean cn_judge_read_request (int conn, int timeout_ms, CnJudgeRequest *req, char **why);
void cn_judge_request_clear (CnJudgeRequest *req);

/* Whether rules loaded for the set-up KEY_A (cn_prefilter_cache_key of
 * one program) are those for KEY_B (of another, or the same): the same
 * config file and rule files, unchanged (the keys' lines from "config"
 * on; the executables may differ). */
gboolean cn_judge_same_rules (const char *key_a, const char *key_b);

/* The first variable whose value in ENVP differs from MINE (the judge's
 * environment; NULL: this process's) — set in one, not in the other, or
 * another value — among those that decide where certnotice finds its
 * files: HOME, XDG_CONFIG_HOME, XDG_STATE_HOME, XDG_CACHE_HOME and every
 * CERTNOTICE_* but the front's mark; NULL when none does.  (The judging
 * uses no local time and no temporary file: TZ and TMPDIR are the
 * filter's, as every other variable.)  A new string. */
char *cn_judge_env_differs (char **envp, char **mine);

/* Set by the full program when the front became it (main.c): the front
 * asked the judge already. */
extern gboolean cn_judge_asked;

G_END_DECLS
