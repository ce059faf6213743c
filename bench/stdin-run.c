/* stdin-run.c — start-to-exit time of a command that reads a file on its
 * standard input, as an MDA starts a filter: what `hyperfine -N` measures,
 * for commands that need `< FILE` (hyperfine 1.15 has no --input, and going
 * through a shell adds the shell's own start-up, which hyperfine can only
 * estimate and subtract).  Used by bench/filter.sh.
 *
 *   stdin-run [-n RUNS] [-w WARMUPS] FILE CMD [ARG…]
 *
 * Each run forks, opens FILE as standard input (standard output and error
 * go to /dev/null), execs CMD and waits for it; the time is taken around
 * fork and wait.  Prints one line: "median mean min p10 p90" in ms, then
 * the number of runs that exited non-zero (any non-zero exit is counted, not
 * fatal).  Exit status 0, or 2 on a usage or setup error. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* One run; returns its wall time in ms, *FAILED when it exited non-zero. */
static double
run (const char *file, char **argv, int *failed)
{
  double t0 = now_ms ();
  pid_t pid = fork ();
  if (pid < 0) {
    perror ("fork");
    exit (2);
  }
  if (pid == 0) {
    int in = open (file, O_RDONLY);
    int out = open ("/dev/null", O_WRONLY);
    if (in < 0 || out < 0 || dup2 (in, 0) < 0 || dup2 (out, 1) < 0 || dup2 (out, 2) < 0)
      _exit (127);
    execvp (argv[0], argv);
    _exit (127);
  }
  int st = 0;
  while (waitpid (pid, &st, 0) < 0)
    ;
  double t = now_ms () - t0;
  *failed = !WIFEXITED (st) || WEXITSTATUS (st) != 0;
  return t;
}

int
main (int argc, char **argv)
{
  int runs = 200, warmups = 20, opt;
  while ((opt = getopt (argc, argv, "+n:w:")) != -1) {
    if (opt == 'n')
      runs = atoi (optarg);
    else if (opt == 'w')
      warmups = atoi (optarg);
    else
      goto usage;
  }
  if (argc - optind < 2 || runs < 1 || warmups < 0)
    goto usage;
  const char *file = argv[optind];
  char **cmd = argv + optind + 1;
  if (access (file, R_OK) != 0) {
    perror (file);
    return 2;
  }
  int failed = 0, f;
  for (int i = 0; i < warmups; i++)
    run (file, cmd, &f);
  double *t = malloc (sizeof *t * (size_t) runs), sum = 0;
  if (t == NULL)
    return 2;
  for (int i = 0; i < runs; i++) {
    t[i] = run (file, cmd, &f);
    failed += f;
    sum += t[i];
  }
  qsort (t, (size_t) runs, sizeof *t, cmp);
  double median = runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2;
  printf ("%.3f %.3f %.3f %.3f %.3f %d\n", median, sum / runs, t[0], t[runs / 10], t[runs - 1 - runs / 10],
          failed);
  free (t);
  return 0;
usage:
  fprintf (stderr, "usage: stdin-run [-n RUNS] [-w WARMUPS] FILE CMD [ARG…]\n");
  return 2;
}
