#!/usr/bin/env bash
# corpus.sh — run `certnotice parse` over a corpus of real-world mail and check, as TAP,
# that it is robust there and takes none of it for a provider notice.
#
#   tests/corpus.sh [DIR]        (meson runs it without DIR as the test 'corpus')
#
# The corpus is DIR, else $CORPUS_DIR, else $SRCDIR/../shared/corpus. If DIR is given it must
# exist; otherwise, when no corpus is found, the test is skipped (`1..0 # SKIP …`), not passed.
#
# Which files are mail: every regular file under the corpus except
#   - hidden files and anything under a hidden directory (.gitattributes, .git/, …),
#   - *LICENSE*, *LICENCE*, COPYING*, README*, *.md (documentation that travels with corpora),
#   - files whose first bytes are neither "From " (an mbox) nor an RFC 5322 header field name
#     followed by ':' (printable ASCII except ':'); this drops empty files, binaries and prose.
# File names do not matter otherwise (Maildir files have no .eml suffix). Files skipped by the
# content test are listed in a comment, so nothing disappears silently.
#
# Checks (one TAP line each; offenders follow as '# ' lines):
#   1. no crash: every process exits 0 or 1 (a signal, a time-out or an exit >= 2 fails)
#   2. every file yields at least one result line, and every line is a valid JSON object
#   3. nothing is taken for a notice: provider null and verdict not-a-notice everywhere, and no
#      process exits 1 ("needs attention")
#   4. stderr carries no sanitizer report ('runtime error:' or 'Sanitizer')
#   5. stderr carries no GLib critical or warning ('CRITICAL **', 'WARNING **')
#
# Speed: files go CORPUS_BATCH (default 50) to a process, CORPUS_JOBS (default: nproc)
# processes at once. A batch showing any problem is run again one file per process, so every
# problem is pinned on a file; a problem that only shows when files share a process is reported
# against the batch (with its first file) instead of being lost.
#
# Environment: CERTNOTICE (the binary; default $SRCDIR/build/src/certnotice), SRCDIR (project
# root; default this script's parent directory; its rules/ is used), CORPUS_DIR, CORPUS_BATCH,
# CORPUS_JOBS, CORPUS_TIMEOUT (seconds per process, default 120). ASAN_OPTIONS, UBSAN_OPTIONS
# and LSAN_OPTIONS are passed through as they are. The exit status is 1 if a check failed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
srcdir=${SRCDIR:-$here/..}
certnotice=${CERTNOTICE:-$srcdir/build/src/certnotice}
rules=$srcdir/rules
batch_size=${CORPUS_BATCH:-50}
jobs_max=${CORPUS_JOBS:-$(nproc)}
timeout_s=${CORPUS_TIMEOUT:-120}

bail () { echo "Bail out! $*"; exit 1; }

# ---- where the corpus is ----
if (( $# > 1 )); then
  bail "usage: corpus.sh [DIR]"
elif (( $# == 1 )); then
  [[ -d $1 ]] || bail "$1: not a directory"
  corpus=$1
else
  corpus=${CORPUS_DIR:-$srcdir/../shared/corpus}
  if [[ ! -d $corpus ]]; then
    echo "1..0 # SKIP no corpus at $corpus"
    exit 0
  fi
fi
corpus=$(cd "$corpus" && pwd)
[[ -x $certnotice ]] || bail "$certnotice: no such executable (set CERTNOTICE)"
[[ -d $rules ]] || bail "$rules: no rules directory (set SRCDIR)"

work=$(mktemp -d "${TMPDIR:-/tmp}/certnotice-corpus.XXXXXX")
trap 'rm -rf "$work"' EXIT
# keep a user's ~/.config/certnotice/config out of the test
export XDG_CONFIG_HOME=$work/no-config

# The Python part: sniffing files, splitting batches, judging output. Modes:
#   split   CORPUS BATCH_SIZE  < NUL-separated paths  -> $work/batch/NNNN/list, $work/skipped
#   rerun                                             -> prints batch directories to run again
#   report  CORPUS                                    -> TAP lines
read -r -d '' judge <<'PY' || true
import json, os, re, signal, sys

mode, work = sys.argv[1], sys.argv[2]
SANITIZER = re.compile(r'runtime error:|Sanitizer')
GLIB = re.compile(r'(CRITICAL|WARNING) \*\*')
FRAME = re.compile(r'^\s*#\d+ 0x[0-9a-f]+ in (.*)$')
MAIL_START = re.compile(rb'From |[\x21-\x39\x3b-\x7e]+:')
KEYS = {'source', 'message_id', 'date', 'provider', 'notice', 'domain', 'account',
        'days_claimed', 'expires_claimed', 'authentic', 'verdict', 'reasons', 'remediation',
        'support_url', 'live'}
CHECKS = ['crash', 'results', 'notice', 'sanitizer', 'glib']


def read_list(unit):
    with open(os.path.join(unit, 'list'), 'rb') as f:
        return [os.fsdecode(p) for p in f.read().split(b'\0') if p]


def status(rc):
    if rc == 124:
        return 'timed out (CORPUS_TIMEOUT=%s s)' % os.environ.get('timeout_s', '?')
    if rc > 128:
        try:
            return 'killed by %s' % signal.Signals(rc - 128).name
        except ValueError:
            pass
    return 'exit %d' % rc


def sanitizer_summary(lines, start):
    """The report line and the first stack frame after it, without addresses."""
    text = lines[start].strip()
    for line in lines[start + 1:start + 12]:
        m = FRAME.match(line)
        if m:
            return '%s [at %s]' % (text, m.group(1))
    return text


def evaluate(unit):
    """What one process did: {check: [(path or None, message)]}, results per path."""
    paths = read_list(unit)
    single = len(paths) == 1
    problems = {c: [] for c in CHECKS}
    results = {p: 0 for p in paths}
    with open(os.path.join(unit, 'rc')) as f:
        rc = int(f.read())
    owner = paths[0] if single else None
    with open(os.path.join(unit, 'err'), errors='replace') as f:
        err = f.read().splitlines()
    san = [i for i, l in enumerate(err) if SANITIZER.search(l)]
    if rc not in (0, 1):
        problems['crash'].append((owner, status(rc)))
    elif rc == 1 and san:
        # UBSan's halt_on_error exits 1: that is no verdict but a stop
        problems['crash'].append((owner, 'stopped by a sanitizer (exit 1)'))
    elif rc == 1:
        problems['notice'].append((owner, 'exit 1 (needs attention)'))
    if san:
        problems['sanitizer'].append((owner, sanitizer_summary(err, san[0])
                                      + ('' if len(san) == 1 else ' (+%d more)' % (len(san) - 1))))
    glib = [l.strip() for l in err if GLIB.search(l)]
    if glib:
        problems['glib'].append((owner, glib[0] + ('' if len(glib) == 1 else ' (+%d more)' % (len(glib) - 1))))
    with open(os.path.join(unit, 'out'), 'rb') as f:
        out = f.read().decode('utf-8', 'replace').splitlines()
    for n, line in enumerate(out, 1):
        try:
            o = json.loads(line)
        except ValueError as e:
            problems['results'].append((owner, 'line %d: invalid JSON (%s): %.80s' % (n, e, line)))
            continue
        if not isinstance(o, dict) or not KEYS <= o.keys():
            problems['results'].append((owner, 'line %d: not a result object: %.80s' % (n, line)))
            continue
        src = paths[0] if single else o['source']
        if src not in results:
            problems['results'].append((None, 'line %d: result for an unknown source %r' % (n, o['source'])))
            continue
        results[src] += 1
        if o['provider'] is not None or o['verdict'] != 'not-a-notice':
            where = ''.join(('' if 'index' not in o else ' #%s' % o['index'],
                             '' if 'part' not in o else ' part %s' % o['part']))
            problems['notice'].append((src, '%sprovider=%s notice=%s verdict=%s domain=%s' % (
                where.strip() + ': ' if where else '', o['provider'], o['notice'], o['verdict'], o['domain'])))
    for p, k in results.items():
        if k == 0:
            problems['results'].append((p, 'no result'))
    return paths, problems, results


def units(kind):
    top = os.path.join(work, kind)
    return sorted(os.path.join(top, d) for d in os.listdir(top)) if os.path.isdir(top) else []


if mode == 'split':
    corpus, size = sys.argv[3], int(sys.argv[4])
    mails, skipped = [], []
    for p in sorted(p for p in sys.stdin.buffer.read().split(b'\0') if p):
        with open(p, 'rb') as f:
            (mails if MAIL_START.match(f.read(1024)) else skipped).append(p)
    for i in range(0, len(mails), size):
        d = os.path.join(work, 'batch', '%04d' % (i // size + 1))
        os.makedirs(d)
        with open(os.path.join(d, 'list'), 'wb') as f:
            f.write(b''.join(p + b'\0' for p in mails[i:i + size]))
    with open(os.path.join(work, 'skipped'), 'wb') as f:
        f.write(b''.join(p + b'\0' for p in skipped))
    print(len(mails))

elif mode == 'rerun':
    # one directory per file of every batch that showed any problem
    for b in units('batch'):
        paths, problems, _ = evaluate(b)
        if any(problems.values()) and len(paths) > 1:
            for i, p in enumerate(paths, 1):
                d = os.path.join(b, 'single', '%04d' % i)
                os.makedirs(d)
                with open(os.path.join(d, 'list'), 'wb') as f:
                    f.write(os.fsencode(p) + b'\0')
                print(d)

elif mode == 'report':
    corpus = sys.argv[3]
    rel = lambda p: os.path.relpath(p, corpus).replace('\n', '\\n') if p else '?'
    offenders = {c: [] for c in CHECKS}
    files = results = reruns = 0
    multi = set()
    for b in units('batch'):
        paths, problems, counts = evaluate(b)
        files += len(paths)
        singles = sorted(os.path.join(b, 'single', d) for d in os.listdir(os.path.join(b, 'single'))) \
            if os.path.isdir(os.path.join(b, 'single')) else []
        if singles:
            reruns += len(singles)
            alone = {c: [] for c in CHECKS}
            counts = {}
            for s in singles:
                _, sp, sc = evaluate(s)
                counts.update(sc)
                for c in CHECKS:
                    alone[c] += sp[c]
            # a crash of the whole batch explains its other batch-only problems
            batch_crash = problems['crash'] and not alone['crash']
            for c in CHECKS:
                offenders[c] += alone[c]
                if problems[c] and not alone[c] and (c == 'crash' or not batch_crash):
                    # shows only when files share a process: name the batch
                    for p, msg in problems[c]:
                        offenders[c].append((None, 'batch of %d files from %s: %s (not reproduced file by file)'
                                             % (len(paths), rel(paths[0]), (rel(p) + ': ' if p else '') + msg)))
        else:
            for c in CHECKS:
                offenders[c] += problems[c]
        results += sum(counts.values())
        multi.update(p for p, k in counts.items() if k > 1)

    titles = {
        'crash': 'every process exits 0 or 1 (no crash, time-out or error exit)',
        'results': 'every file yields at least one result and every result is a JSON object',
        'notice': 'no result is taken for a notice (provider null, verdict not-a-notice, no exit 1)',
        'sanitizer': 'stderr carries no sanitizer report',
        'glib': 'stderr carries no GLib critical or warning',
    }
    print('1..%d' % len(CHECKS))
    failed = 0
    for n, c in enumerate(CHECKS, 1):
        bad = sorted(set(offenders[c]), key=lambda x: (x[0] or '', x[1]))
        if files == 0:
            print('not ok %d - %s # no mail files found' % (n, titles[c]))
            failed += 1
            continue
        print('%s %d - %s' % ('not ok' if bad else 'ok', n, titles[c]))
        if bad:
            failed += 1
            # one line per distinct problem, naming up to five files that have it
            groups = {}
            for p, msg in bad:
                groups.setdefault(msg, []).append(p)
            print('# %d problem(s) in %d file(s):' % (len(bad), len({p for p, _ in bad if p})))
            ranked = sorted(groups.items(), key=lambda g: (-len(g[1]), g[0]))
            for msg, ps in ranked[:25]:
                if len(ps) == 1:
                    print('#   %s%s' % (rel(ps[0]) + ': ' if ps[0] else '', msg))
                else:
                    print('#   %s — %d files: %s%s' % (msg, len(ps), ', '.join(rel(p) for p in ps[:5]),
                                                     ' …' if len(ps) > 5 else ''))
            if len(ranked) > 25:
                print('#   … and %d more distinct problems' % (len(ranked) - 25))
    with open(os.path.join(work, 'skipped'), 'rb') as f:
        skipped = [os.fsdecode(p) for p in f.read().split(b'\0') if p]
    print('# corpus %s: %d mail files, %d results (%d files gave more than one: mbox or embedded'
          ' messages), %d processes + %d single-file reruns' % (
              corpus, files, results, len(multi), len(units('batch')), reruns))
    if skipped:
        print('# skipped %d file(s) that do not start like mail: %s%s' % (
            len(skipped), ', '.join(rel(p) for p in skipped[:10]), ' …' if len(skipped) > 10 else ''))
    sys.exit(1 if failed else 0)
PY

# Run one unit directory: the paths in $dir/list in one process; out, err, rc next to it.
run_unit () {
  local dir=$1 rc=0
  local -a paths
  mapfile -d '' -t paths < "$dir/list"
  timeout -k 10 "$timeout_s" "$certnotice" parse --rules "$rules" --no-verify --format json \
    "${paths[@]}" > "$dir/out" 2> "$dir/err" < /dev/null || rc=$?
  echo "$rc" > "$dir/rc"
}

# Run every unit directory given, $jobs_max at a time.
run_units () {
  local dir
  for dir in "$@"; do
    while (( $(jobs -rp | wc -l) >= jobs_max )); do
      wait -n || true
    done
    run_unit "$dir" 2>> "$dir/shell-stderr" &   # keeps bash's "Segmentation fault" notes out
  done
  wait
}

start=$EPOCHREALTIME
export timeout_s   # for the time-out message
find "$corpus" -mindepth 1 -name '.*' -prune -o -type f \
    ! -name '*LICENSE*' ! -name '*LICENCE*' ! -name 'COPYING*' ! -name 'README*' ! -name '*.md' \
    -print0 |
  python3 -c "$judge" split "$work" "$corpus" "$batch_size" > /dev/null

shopt -s nullglob
run_units "$work"/batch/*
mapfile -t again < <(python3 -c "$judge" rerun "$work")
run_units "${again[@]}"

rc=0
python3 -c "$judge" report "$work" "$corpus" || rc=$?
elapsed=$(( ${EPOCHREALTIME//[!0-9]/} - ${start//[!0-9]/} ))   # microseconds
printf '# took %d.%d s with %d processes at once, %d files each\n' \
  $(( elapsed / 1000000 )) $(( elapsed / 100000 % 10 )) "$jobs_max" "$batch_size"
exit "$rc"
