#!/usr/bin/env bash
# bench/fastpath.sh — issue #14's figures in one run: `certnotice filter` per
# delivery against `cat`, and `certnotice parse` over a corpus against a
# GMime-only yardstick.  Run by hand (never part of `meson test`):
#
#   bench/fastpath.sh [CORPUS_DIR]     (default: $CORPUS_DIR, else ../shared/corpus)
#
# 1. Per delivery (what an MDA pays per mail): start-to-exit time of `cat`,
#    `certnotice filter --no-verify` on an ordinary mail and on a notice, each
#    reading the mail on stdin, measured by bench/stdin-run (fork, exec with
#    stdin from the file, wait: what `hyperfine -N` does, which hyperfine 1.15
#    cannot do for `< FILE`).  Median, p10 and p90 of BENCH_RUNS runs after
#    warm-up; then the goals (ordinary mail <= 1.5x cat, a notice <= 2.5x
#    cat) on ratios taken side by side, BENCH_ROUNDS rounds of the three.
#    The prefilter's cache is warmed first (as on a system where mail arrives
#    all day).  Also shown: /bin/true (the floor), `certnotice version` (the
#    executable alone), and the notice with the prefilter off.  The notice
#    is measured twice: judged by the filter itself (the full program and
#    its judging child), and with the user's judge running
#    (`certnotice serve`, src/judge.h: started here on a socket of the
#    bench's own); the goal is reported for both.
# 2. Per batch: `certnotice parse --no-verify --format json` over every mail
#    file of the corpus (all of it, libs/ included; one process for all files)
#    against bench/gmime-baseline (GMime parse, Subject, MIME walk, every text
#    part decoded), and with the prefilter off.  Best and median of
#    BENCH_BATCH_RUNS interleaved runs, wall and user+sys CPU; the goal:
#    certnotice's throughput >= 2x the baseline's.
# Then, with /usr/bin/time (Debian's package "time"): the peak memory of
#    each (maximum resident set of the largest process).
# 3. With valgrind installed (BENCH_CALLGRIND=0 skips it): instructions per
#    run, which the machine's load does not blur — filter on each mail, parse
#    over the corpus, the baseline over the corpus.
#
# Everything is built in a release build dir (BENCH_BUILDDIR, default
# build-bench).  The machine may be busy: look at the spread, and at the
# instruction counts.  Exit status 0 when measured (goals met or not), 2 on
# setup errors.
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
builddir=${BENCH_BUILDDIR:-$root/build-bench}
runs=${BENCH_RUNS:-500}
batch_runs=${BENCH_BATCH_RUNS:-5}
corpus=${1:-${CORPUS_DIR:-$root/../shared/corpus}}
plain=$root/samples/negative/english-unrelated.eml
notice=$root/samples/sakura/renewal-failed-iso2022jp.eml
# ordinary mail of a Japanese user: an ISO-2022-JP subject the prefilter
# decodes (CP932) before it rules the mail out
plain_ja=$root/samples/negative/xserver-domain-renewal.eml

die () { echo "fastpath.sh: $*" >&2; exit 2; }
[[ -d $corpus ]] || die "no corpus at $corpus (give a directory)"
corpus=$(cd "$corpus" && pwd)
cd "$root"

if [[ ! -f $builddir/build.ninja ]]; then
  echo "setting up $builddir (release build) …"
  meson setup "$builddir" --buildtype=release > /dev/null
fi
ninja -C "$builddir" src/certnotice src/certnotice-core.so src/certnotice-full bench/gmime-baseline bench/stdin-run > /dev/null ||
  die "build failed: ninja -C $builddir"
cn=$builddir/src/certnotice
baseline=$builddir/bench/gmime-baseline
stdin_run=$builddir/bench/stdin-run

work=$(mktemp -d "${TMPDIR:-/tmp}/certnotice-fastpath.XXXXXX")
# no user config; a cache and a ledger (a notice is recorded: SQLite) of our own
export XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_STATE_HOME=$work/state
unset CERTNOTICE_PREFILTER CERTNOTICE_RULES
# no judge but the one started below, on a socket of our own
mkdir -m 700 "$work/run" "$work/nojudge"
export XDG_RUNTIME_DIR=$work/nojudge
judge_pid=
trap '[ -n "$judge_pid" ] && kill "$judge_pid" 2>/dev/null; rm -rf "$work"' EXIT

echo "build: $builddir; $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); locale: LANG=${LANG-(unset)} LC_ALL=${LC_ALL-(unset)} (cat sets it too)"
# the front (GLib and PCRE2 linked in) and the program it becomes for a
# notice (src/module.h); a sanitized build has only the latter, as certnotice
links () { ldd "$1" | awk '$1 != "linux-vdso.so.1" { sub(/\.so.*/, "", $1); printf "%s ", $1 }'; }
echo "certnotice links: $(links "$cn")"
[[ -x $builddir/src/certnotice-full ]] && echo "certnotice-full links: $(links "$builddir/src/certnotice-full")"

# ---- 1. per delivery ----
echo
echo "== per delivery: start to exit, mail on stdin ($runs runs each, after 50 warm-ups; ms) =="
"$cn" filter --no-verify < "$plain" > /dev/null   # the prefilter's cache
declare -A med p10 p90
measure () {   # NAME FILE CMD…
  local name=$1 file=$2; shift 2
  read -r m _ _ a b failed < <("$stdin_run" -n "$runs" -w 50 "$file" "$@")
  med[$name]=$m p10[$name]=$a p90[$name]=$b
  (( failed == 0 )) || echo "  ($name: $failed runs exited non-zero)"
}
measure true "$plain" /bin/true
measure cat "$plain" cat
measure version "$plain" "$cn" version
measure plain "$plain" "$cn" filter --no-verify
measure plain_ja "$plain_ja" "$cn" filter --no-verify
measure notice "$notice" "$cn" filter --no-verify
CERTNOTICE_PREFILTER=off measure notice_off "$notice" "$cn" filter --no-verify
# the judge: started, then waited for (its log says when it listens)
XDG_RUNTIME_DIR=$work/run "$cn" serve -v 2> "$work/judge.log" &
judge_pid=$!
for _ in $(seq 200); do grep -q 'judging on' "$work/judge.log" && break; sleep 0.05; done
grep -q 'judging on' "$work/judge.log" || die "the judge did not start: $(cat "$work/judge.log")"
judged () { XDG_RUNTIME_DIR=$work/run "$@"; }
judged measure notice_judge "$notice" "$cn" filter --no-verify
CERTNOTICE_PREFILTER=off measure plain_off "$plain" "$cn" filter --no-verify
row () {   # NAME LABEL
  awk -v m="${med[$1]}" -v a="${p10[$1]}" -v b="${p90[$1]}" -v c="${med[cat]}" -v l="$2" \
    'BEGIN { printf "  %-52s %7.3f  (p10 %6.3f, p90 %7.3f)  %5.2fx cat\n", l, m, a, b, m / c }'
}
row true "/bin/true (fork + exec + wait)"
row cat "cat < mail"
row version "certnotice version"
row plain "certnotice filter --no-verify < ordinary mail"
row plain_ja "  … Japanese (ISO-2022-JP subject)"
row plain_off "  … with the prefilter off"
row notice "certnotice filter --no-verify < notice"
row notice_off "  … with the prefilter off"
row notice_judge "certnotice filter --no-verify < notice, judge running"
# The machine's load comes and goes over the seconds each block above
# takes: the goals are judged on ratios measured side by side, ROUNDS
# rounds of cat, filter < ordinary mail and filter < notice in turn (the
# median of each round's ratio).
rounds=${BENCH_ROUNDS:-20}
per=$(( runs / rounds > 20 ? runs / rounds : 20 ))
: > "$work/ratios"
for (( r = 0; r < rounds; r++ )); do
  read -r c _ < <("$stdin_run" -n "$per" -w 5 "$plain" cat)
  read -r p _ < <("$stdin_run" -n "$per" -w 5 "$plain" "$cn" filter --no-verify)
  read -r n _ < <("$stdin_run" -n "$per" -w 5 "$notice" "$cn" filter --no-verify)
  read -r j _ < <(judged "$stdin_run" -n "$per" -w 5 "$notice" "$cn" filter --no-verify)
  read -r q _ < <("$stdin_run" -n "$per" -w 5 "$plain_ja" "$cn" filter --no-verify)
  echo "$c $p $n $j $q" | awk '{ printf "%.4f %.4f %.4f %.4f\n", $2 / $1, $3 / $1, $4 / $1, $5 / $1 }' >> "$work/ratios"
done
kill "$judge_pid"; wait "$judge_pid" 2>/dev/null; judge_pid=
echo "(the judge took $(grep -c 'took a mail' "$work/judge.log" || true) mails; its log: $(grep -vc 'took a mail' "$work/judge.log" || true) other lines)"
median_col () { sort -n -k"$1" "$work/ratios" | awk -v k="$1" '{ v[NR] = $k } END { printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
range_col () { sort -n -k"$1" "$work/ratios" | awk -v k="$1" 'NR == 1 { a = $k } { b = $k } END { printf "%.2f–%.2f", a, b }'; }
rp=$(median_col 1) rn=$(median_col 2) rj=$(median_col 3) rq=$(median_col 4)
echo "side by side ($rounds rounds of $per runs each): ordinary mail $rp x cat (rounds $(range_col 1)), Japanese $rq x cat (rounds $(range_col 4)), a notice $rn x cat (rounds $(range_col 2)), a notice with the judge running $rj x cat (rounds $(range_col 3))"
awk -v p="$rp" -v q="$rq" -v n="$rn" -v j="$rj" 'BEGIN {
  printf "goal, ordinary mail <= 1.5x cat:            %s (%.2fx)\n", ((p <= 1.5) ? "met" : "MISSED"), p
  printf "  … Japanese ordinary mail:                 %s (%.2fx)\n", ((q <= 1.5) ? "met" : "MISSED"), q
  printf "goal, a notice <= 2.5x cat, no judge:       %s (%.2fx)\n", ((n <= 2.5) ? "met" : "MISSED"), n
  printf "goal, a notice <= 2.5x cat, judge running:  %s (%.2fx)\n", ((j <= 2.5) ? "met" : "MISSED"), j }'

# ---- 2. per batch ----
echo
find "$corpus" -mindepth 1 -name '.*' -prune -o -type f \
    ! -name '*LICENSE*' ! -name '*LICENCE*' ! -name 'COPYING*' ! -name 'README*' ! -name '*.md' -print0 |
  python3 -c 'import re, sys
mail = re.compile(rb"From |[\x21-\x39\x3b-\x7e]+:")
for p in sorted(p for p in sys.stdin.buffer.read().split(b"\0") if p):
    with open(p, "rb") as f:
        if mail.match(f.read(1024)):
            sys.stdout.buffer.write(p + b"\0")' > "$work/files"
nfiles=$(tr -cd '\0' < "$work/files" | wc -c)
bytes=$(xargs -0 -a "$work/files" cat | wc -c)
echo "== per batch: $nfiles mail files, $((bytes / 1024)) KiB, under $corpus ($batch_runs runs each, interleaved) =="
over_corpus () { xargs -0 -a "$work/files" sh -c '"$0" "$@" || [ $? -eq 1 ]' "$@"; }
run_cn () { over_corpus "$cn" parse --no-verify --format json; }
run_off () { CERTNOTICE_PREFILTER=off over_corpus "$cn" parse --no-verify --format json; }
run_base () { over_corpus "$baseline" -q; }
messages=$(run_cn | wc -l)
base_messages=$(run_base | awk '{ n += $1 } END { print n + 0 }')
# time_into NAME CMD…: wall and user+sys seconds of CMD, appended to NAME.wall and NAME.cpu
time_into () {
  local name=$1; shift
  local t0 c0 c1
  t0=$EPOCHREALTIME
  c0=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
  "$@" > /dev/null
  c1=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
  echo "$t0 $EPOCHREALTIME" | awk '{ printf "%.4f\n", $2 - $1 }' >> "$work/$name.wall"
  echo "$c0 $c1 $(getconf CLK_TCK)" | awk '{ printf "%.4f\n", ($2 - $1) / $3 }' >> "$work/$name.cpu"
}
for (( i = 0; i < batch_runs; i++ )); do
  time_into cn run_cn
  time_into base run_base
  time_into off run_off
done
best_med () { sort -n "$1" | awk '{ v[NR] = $1 } END { printf "%.3f %.3f\n", v[1], (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '  %-40s %10s %10s %10s %10s\n' "" "wall best" "median" "CPU best" "median"
for n in cn off base; do
  case $n in cn) l="certnotice parse ($messages results)" ;; off) l="  … with the prefilter off" ;;
    base) l="gmime-baseline ($base_messages messages)" ;; esac
  read -r wb wm < <(best_med "$work/$n.wall")
  read -r cb cm < <(best_med "$work/$n.cpu")
  printf '  %-40s %10s %10s %10s %10s\n' "$l" "$wb" "$wm" "$cb" "$cm"
done
read -r _ cw < <(best_med "$work/cn.wall"); read -r _ bw < <(best_med "$work/base.wall")
read -r _ cc < <(best_med "$work/cn.cpu"); read -r _ bc < <(best_med "$work/base.cpu")
awk -v cw="$cw" -v bw="$bw" -v cc="$cc" -v bc="$bc" 'BEGIN {
  printf "certnotice / baseline throughput: %.2fx (median wall), %.2fx (median CPU)\n", bw / cw, (cc > 0 ? bc / cc : 0)
  printf "goal (>= 2x the baseline): %s\n", ((bw / cw >= 2) ? "met" : "MISSED") }'

# ---- peak memory ----
if [[ -x /usr/bin/time ]]; then
  echo
  echo "== peak memory (maximum resident set, KiB; the largest process of each run) =="
  maxrss () { /usr/bin/time -f %M -o "$work/rss" "$@" > /dev/null 2>&1 || true; tail -1 "$work/rss"; }
  printf '  %-52s %8s\n' "cat < ordinary mail" "$(maxrss cat < "$plain")"
  printf '  %-52s %8s\n' "certnotice filter --no-verify < ordinary mail" "$(maxrss "$cn" filter --no-verify < "$plain")"
  printf '  %-52s %8s\n' "certnotice filter --no-verify < notice" "$(maxrss "$cn" filter --no-verify < "$notice")"
  printf '  %-52s %8s\n' "certnotice parse over the corpus" "$(maxrss xargs -0 -a "$work/files" sh -c '"$0" "$@" || [ $? -eq 1 ]' "$cn" parse --no-verify --format json)"
  printf '  %-52s %8s\n' "gmime-baseline over the corpus" "$(maxrss xargs -0 -a "$work/files" "$baseline" -q)"
fi

# ---- 3. instructions ----
if [[ ${BENCH_CALLGRIND:-1} != 0 ]] && command -v valgrind > /dev/null; then
  echo
  echo "== instructions (valgrind --tool=callgrind; user space only; not blurred by the machine's load) =="
  # every process of a run, added up: the front execs certnotice-full for
  # what needs the module, which forks the filter's judging child
  vg=(valgrind --tool=callgrind --trace-children=yes)
  ir () { rm -f "$work"/cg.*
          "${vg[@]}" --callgrind-out-file="$work/cg.%p" "$@" > /dev/null 2>&1 || true
          cat "$work"/cg.* | awk '/^summary:/ { n += $2 } END { printf "%.1f M", n / 1e6 }'; }
  # valgrind's executable differs from certnotice's: the caches are made anew under it, once
  ir "$cn" filter --no-verify < "$plain" > /dev/null
  ir "$cn" filter --no-verify < "$notice" > /dev/null
  printf '  %-52s %s\n' "cat < ordinary mail" "$(ir cat "$plain")"
  printf '  %-52s %s\n' "certnotice filter < ordinary mail (the front only)" "$(ir "$cn" filter --no-verify < "$plain")"
  printf '  %-52s %s\n' "certnotice filter < notice (front, full, judging child)" "$(ir "$cn" filter --no-verify < "$notice")"
  printf '  %-52s %s\n' "certnotice parse --no-verify notice" "$(ir "$cn" parse --no-verify "$notice")"
  # xargs may split the file list over several processes: their counts add up
  corpus_ir () {   # CMD…
    rm -f "$work"/cgc.*
    xargs -0 -a "$work/files" "${vg[@]}" --callgrind-out-file="$work/cgc.%p" "$@" > /dev/null 2>&1 || true
    cat "$work"/cgc.* | awk '/^summary:/ { n += $2 } END { printf "%.1f M", n / 1e6 }'
  }
  printf '  %-52s %s\n' "certnotice parse over the corpus" "$(corpus_ir "$cn" parse --no-verify --format json)"
  printf '  %-52s %s\n' "gmime-baseline over the corpus" "$(corpus_ir "$baseline" -q)"
fi
