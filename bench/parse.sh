#!/usr/bin/env bash
# bench/parse.sh — how fast `certnotice parse` is, against a GMime-only yardstick.
# Run by hand (never part of `meson test`):
#
#   bench/parse.sh [CORPUS_DIR]        (default: $CORPUS_DIR, else ../shared/corpus)
#
# 1. Throughput: `certnotice parse --no-verify --format json` over every mail file of the
#    corpus (one process for all files), against bench/gmime-baseline over the same files:
#    GMime parse, Subject decoding, MIME walk, every text part decoded to UTF-8, nothing else.
#    Messages = certnotice's result lines (embedded message/rfc822 parts count; the baseline
#    counts those too). Goal: certnotice's throughput >= 0.5x the baseline's.
# 2. Start-up: start-to-exit time of one process on one small mail,
#    `certnotice parse --no-verify samples/sakura/renewal-failed-iso2022jp.eml`. Goal: <= 5 ms.
#    Measured with hyperfine if installed (apt-get install hyperfine), else a loop of runs.
#    If the goal is missed, the script shows where the time goes.
#
# Everything is built in a release build dir of its own (BENCH_BUILDDIR, default build-bench,
# created with --buildtype=release if absent; gmime-baseline is not built by default, see
# bench/meson.build). Which files count as mail is the same rule as in tests/corpus.sh.
#
# Environment: BENCH_BUILDDIR, BENCH_RUNS (timed runs per tool, default 7; best and median
# shown), BENCH_STARTS (runs for the start-up figure, default 500), CORPUS_DIR.
# Exit status: 0 when measured (goals met or not: the verdicts are printed), 2 on setup errors.
set -euo pipefail
export LC_ALL=C   # '.' as the decimal point everywhere

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
builddir=${BENCH_BUILDDIR:-$root/build-bench}
runs=${BENCH_RUNS:-7}
starts=${BENCH_STARTS:-500}
corpus=${1:-${CORPUS_DIR:-$root/../shared/corpus}}
sample=samples/sakura/renewal-failed-iso2022jp.eml
throughput_goal=0.5
start_goal_ms=5

die () { echo "parse.sh: $*" >&2; exit 2; }
[[ -d $corpus ]] || die "no corpus at $corpus (give a directory)"
corpus=$(cd "$corpus" && pwd)
cd "$root"

# ---- build ----
if [[ ! -f $builddir/build.ninja ]]; then
  echo "setting up $builddir (release build) …"
  meson setup "$builddir" --buildtype=release > /dev/null
fi
ninja -C "$builddir" src/certnotice bench/gmime-baseline > /dev/null ||
  die "build failed: ninja -C $builddir src/certnotice bench/gmime-baseline"
certnotice=$builddir/src/certnotice
baseline=$builddir/bench/gmime-baseline
read -r buildtype sanitize < <(meson introspect "$builddir" --buildoptions |
  python3 -c 'import json, sys
o = {x["name"]: x["value"] for x in json.load(sys.stdin)}
print(o["buildtype"], o["b_sanitize"])')
echo "build: $builddir (buildtype=$buildtype, b_sanitize=$sanitize)"
[[ $buildtype == release && $sanitize == none ]] ||
  echo "WARNING: not a plain release build: the figures below are not representative"

# ---- the corpus: same rule as tests/corpus.sh ----
work=$(mktemp -d "${TMPDIR:-/tmp}/certnotice-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME=$work/no-config   # no user config in the measurement
find "$corpus" -mindepth 1 -name '.*' -prune -o -type f \
    ! -name '*LICENSE*' ! -name '*LICENCE*' ! -name 'COPYING*' ! -name 'README*' ! -name '*.md' \
    -print0 |
  python3 -c 'import re, sys
mail = re.compile(rb"From |[\x21-\x39\x3b-\x7e]+:")
for p in sorted(p for p in sys.stdin.buffer.read().split(b"\0") if p):
    with open(p, "rb") as f:
        if mail.match(f.read(1024)):
            sys.stdout.buffer.write(p + b"\0")' > "$work/files"
nfiles=$(tr -cd '\0' < "$work/files" | wc -c)
(( nfiles > 0 )) || die "no mail files under $corpus"

# Run a command over all corpus files (xargs splits only if the list is too long for one
# command line); certnotice's exit 1 ("needs attention") is a normal outcome.
# shellcheck disable=SC2016   # $0, $@ and $? are sh's
over_corpus () { xargs -0 -a "$work/files" sh -c '"$0" "$@" || [ $? -eq 1 ]' "$@"; }
run_certnotice () { over_corpus "$certnotice" parse --rules rules --no-verify --format json; }
run_baseline () { over_corpus "$baseline" -q; }

usec () { echo "${EPOCHREALTIME//[!0-9]/}"; }
# time_into ARRAY CMD…: run CMD with stdout discarded, append its wall time (µs) to ARRAY
time_into () {
  local -n into=$1; shift
  local t0; t0=$(usec)
  "$@" > /dev/null
  into+=( $(( $(usec) - t0 )) )
}
# best_median µs…: prints "best median" in seconds
best_median () {
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
    END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
          printf "%.4f %.4f\n", v[1] / 1e6, m / 1e6 }'
}

echo
echo "== throughput: $nfiles mail files under $corpus =="
messages=$(run_certnotice | wc -l)                       # also the warm-up run
base_messages=$(run_baseline | awk '{ n += $1 } END { print n + 0 }')
(( messages > 0 )) || die "certnotice gave no results"
cn_us=() base_us=()
for (( i = 0; i < runs; i++ )); do                      # interleaved: drift hits both alike
  time_into cn_us run_certnotice
  time_into base_us run_baseline
done
read -r cn_best cn_med < <(best_median "${cn_us[@]}")
read -r base_best base_med < <(best_median "${base_us[@]}")
awk -v n="$messages" -v bn="$base_messages" -v cb="$cn_best" -v cm="$cn_med" \
    -v bb="$base_best" -v bm="$base_med" -v runs="$runs" -v goal="$throughput_goal" '
  BEGIN {
    printf "messages: certnotice %d results, gmime-baseline %d messages%s\n", n, bn,
           n == bn ? "" : " (certnotice also gives a result for each message GMime cannot read, e.g. bare-CR mboxes)"
    printf "%-22s %9s %9s %14s %14s\n", "(" runs " runs)", "best s", "median s", "msgs/s best", "msgs/s median"
    printf "%-22s %9.3f %9.3f %14.0f %14.0f\n", "certnotice parse", cb, cm, n / cb, n / cm
    printf "%-22s %9.3f %9.3f %14.0f %14.0f\n", "gmime-baseline", bb, bm, bn / bb, bn / bm
    # same files, so the throughput ratio is the ratio of the times
    rb = bb / cb; rm = bm / cm
    printf "certnotice / baseline throughput: %.2fx (median), %.2fx (best)\n", rm, rb
    if (rm >= goal) printf "goal (>= %.1fx the baseline): met\n", goal
    else printf "goal (>= %.1fx the baseline): MISSED (%.2fx)\n", goal, rm
  }'

echo
echo "== start-up: one process on $sample =="
[[ -f $sample ]] || die "$sample: missing"
declare -A mean_ms
# start_time NAME CMD…: mean wall ms per run of CMD (exit status ignored)
start_time () {
  local name=$1; shift
  if command -v hyperfine > /dev/null; then
    hyperfine -N -i --warmup 20 --runs "$starts" --export-json "$work/h.json" "$*" > /dev/null 2>&1 ||
      die "hyperfine failed on: $*"
    mean_ms[$name]=$(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("%.2f %.2f" % (r["mean"] * 1e3, r["stddev"] * 1e3))' "$work/h.json")
  else
    local t0 i; t0=$(usec)
    for (( i = 0; i < starts; i++ )); do "$@" > /dev/null 2>&1 || true; done
    mean_ms[$name]=$(awk -v us=$(( $(usec) - t0 )) -v n="$starts" 'BEGIN { printf "%.2f -", us / n / 1e3 }')
  fi
}
if command -v hyperfine > /dev/null; then
  echo "(hyperfine $(hyperfine --version | awk '{ print $2 }'), $starts runs each after 20 warm-ups, no shell)"
else
  echo "(a loop of $starts runs each; hyperfine is not installed, so each figure includes bash's fork+exec)"
fi
start_time parse "$certnotice" parse --rules rules --no-verify "$sample"
start_time version "$certnotice" version
start_time baseline "$baseline" "$sample"
start_time true /bin/true
row () {   # NAME LABEL
  local m s; read -r m s <<< "${mean_ms[$1]}"
  printf '  %-64s %6s ms%s\n' "$2" "$m" "$([[ $s == - ]] || echo " ± $s")"
}
echo "mean wall time per run:"
row parse "certnotice parse --no-verify $(basename "$sample")"
row version "certnotice version (libraries loaded; no rules, no mail)"
row baseline "gmime-baseline on the same mail (GLib + GMime only)"
row true "/bin/true (the floor: fork + exec)"
parse_ms=${mean_ms[parse]%% *}
if awk -v m="$parse_ms" -v g="$start_goal_ms" 'BEGIN { exit !(m <= g) }'; then
  echo "goal (<= $start_goal_ms ms per start): met ($parse_ms ms)"
  exit 0
fi
echo "goal (<= $start_goal_ms ms per start): MISSED ($parse_ms ms)"

# ---- where the start-up time goes ----
echo
echo "where the time goes:"
start_time rules "$certnotice" rules list --rules rules
awk -v p="$parse_ms" -v v="${mean_ms[version]%% *}" -v t="${mean_ms[true]%% *}" \
    -v r="${mean_ms[rules]%% *}" 'BEGIN {
  printf "  %6.2f ms  fork + exec of any program (/bin/true)\n", t
  printf "  %6.2f ms  loading and relocating shared libraries, their constructors (version - true)\n", v - t
  printf "  %6.2f ms  reading and compiling the rules (rules list - version)\n", r - v
  printf "  %6.2f ms  GMime set-up, reading and judging the mail, output (parse - rules list)\n", p - r }'
if command -v cc > /dev/null && pkg-config --exists libcurl; then
  # what linking libcurl alone costs at start-up, whether or not it is ever called
  echo 'int main (void) { return 0; }' > "$work/empty.c"
  cc -O2 -o "$work/empty" "$work/empty.c"
  read -r -a curl_libs <<< "$(pkg-config --libs libcurl)"
  cc -O2 -o "$work/empty-curl" "$work/empty.c" -Wl,--no-as-needed "${curl_libs[@]}"
  start_time empty "$work/empty"
  start_time empty_curl "$work/empty-curl"
  echo "  an empty C program starts in ${mean_ms[empty]%% *} ms; linked with libcurl (never called) in" \
       "${mean_ms[empty_curl]%% *} ms"
fi
libs () { ldd "$1" | awk '$1 != "linux-vdso.so.1" { print $1 }' | sort -u; }
libs "$certnotice" > "$work/libs.cn"
libs "$baseline" > "$work/libs.base"
ldd "$(ldd "$certnotice" | awk '$1 == "libcurl.so.4" { print $3 }')" | awk '{ print $1 }' | sort -u > "$work/libs.curl"
echo "  certnotice loads $(wc -l < "$work/libs.cn") shared libraries, gmime-baseline $(wc -l < "$work/libs.base");" \
     "$(comm -12 "$work/libs.curl" <(comm -23 "$work/libs.cn" "$work/libs.base") | wc -l) of the extra ones come in with libcurl:"
comm -12 "$work/libs.curl" <(comm -23 "$work/libs.cn" "$work/libs.base") | tr '\n' ' ' | fold -s -w 92 | sed 's/^/    /'
echo
ldstats=$(LD_DEBUG=statistics "$certnotice" version 2>&1 > /dev/null || true)
if [[ $ldstats == *'total startup time'* ]]; then
  echo "  dynamic loader (LD_DEBUG=statistics, certnotice version):"
  grep -E 'total startup time|time needed|number of relocations:' <<< "$ldstats" |
    sed 's/^ *[0-9]*:[[:space:]]*/    /'
fi
if command -v perf > /dev/null && perf stat -x, -e page-faults true > /dev/null 2>&1; then
  pf () { perf stat -x, -e page-faults -r 20 "$@" 2>&1 > /dev/null | awk -F, '/page-faults/ { printf "%d", $1 }'; }
  echo "  page faults per run (perf stat): parse $(pf "$certnotice" parse --rules rules --no-verify "$sample")," \
       "version $(pf "$certnotice" version), gmime-baseline $(pf "$baseline" "$sample"), /bin/true $(pf /bin/true)"
fi
if command -v strace > /dev/null; then
  echo "  system calls of one parse run (strace -c -f; times are inflated by strace), the top ones:"
  strace -c -f -o "$work/strace" "$certnotice" parse --rules rules --no-verify "$sample" > /dev/null || true
  awk 'NR == 1 || (NR > 2 && !/^-/ && $NF != "total" && ++n <= 6) { print "    " $0 }' "$work/strace"
  awk '$NF == "total" { printf "    total: %s calls\n", $4 }' "$work/strace"
fi
