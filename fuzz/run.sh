#!/usr/bin/env bash
# run.sh [SECONDS] [TARGET...] — build the libFuzzer targets (clang, ASan +
# UBSan) and run each for SECONDS (default 600): fuzz-mail, fuzz-rules,
# fuzz-text, fuzz-imap, or the TARGETs named.  See fuzz/README.md.
#
#   fuzz/crashers/<target>/   crash-*, leak-*, timeout-*, oom-* inputs (kept)
#   fuzz/corpus/<target>/     the working corpus (grows; not committed)
#   fuzz/logs/<target>.log    libFuzzer's output
#
# Environment:
#   BUILD_FUZZ   build directory (default build-fuzz in the source tree)
#   JOBS         targets run at once (default 1; each uses one core)
#   KEEP_GOING=1 do not stop at the first finding (libFuzzer -fork=1 with
#                -ignore_crashes etc.); every finding is kept
#   CN_FUZZ_SKIP property checks to switch off (see fuzz-mail.c), e.g. S3,T1
#   FUZZ_ARGS    extra libFuzzer arguments
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/.." && pwd)
build=${BUILD_FUZZ:-$src/build-fuzz}
seconds=${1:-600}
shift || true
targets=("$@")
(( ${#targets[@]} )) || targets=(fuzz-mail fuzz-rules fuzz-text fuzz-imap)
jobs_max=${JOBS:-1}

# ---- build ----
if [[ ! -f $build/build.ninja ]]; then
	CC=clang meson setup "$build" "$src" -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false --buildtype=debugoptimized \
		"-Dc_args=-fsanitize=fuzzer-no-link -fno-sanitize-recover=undefined -fno-omit-frame-pointer -gline-tables-only" \
		|| { echo "run.sh: meson setup failed" >&2; exit 1; }
fi
fuzzers=(fuzz/fuzz-mail fuzz/fuzz-rules fuzz/fuzz-text fuzz/fuzz-imap)
ninja -C "$build" "${fuzzers[@]}" >/dev/null \
	|| { ninja -C "$build" "${fuzzers[@]}"; echo "run.sh: build failed" >&2; exit 1; }

export CERTNOTICE_RULES=${CERTNOTICE_RULES:-$src/rules}
export G_SLICE=always-malloc
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1:handle_abort=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$here/lsan-glib.supp:print_suppressions=0}

# ---- corpora ----
seed () { # TARGET: fill corpus/TARGET from the checked-in seeds and the tree
	local t=$1 c=$here/corpus/$1 f
	mkdir -p "$c" "$here/crashers/$t" "$here/logs"
	[[ -d $here/seeds/$t ]] && cp -n "$here/seeds/$t"/* "$c"/ 2>/dev/null
	case $t in
	fuzz-mail)
		for f in "$src"/samples/*/*.eml; do
			cp -n "$f" "$c/sample-$(basename "$(dirname "$f")")-$(basename "$f")"
		done ;;
	fuzz-rules)
		for f in "$src"/rules/*.rules; do cp -n "$f" "$c/"; done ;;
	fuzz-text)
		# real text: each sample's header and first lines, undeclared (charset NULL)
		for f in "$src"/samples/*/*.eml; do
			[[ -e $c/sample-$(basename "$f") ]] && continue
			{ printf '\005\001'; head -c 2048 "$f"; } > "$c/sample-$(basename "$f")"
		done ;;
	esac
}
declare -A max_len=([fuzz-mail]=65536 [fuzz-rules]=16384 [fuzz-text]=8192 [fuzz-imap]=65536)
declare -A dict=([fuzz-mail]=mail.dict [fuzz-rules]=rules.dict [fuzz-text]=text.dict [fuzz-imap]=imap.dict)

run_one () { # TARGET
	local t=$1 exe=$build/fuzz/$1 log=$here/logs/$1.log mode=() env=()
	[[ ${KEEP_GOING:-0} = 1 ]] && mode=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
	# GLib's own leaks (lsan-glib.supp) are matched on whole stacks
	[[ $t = fuzz-rules ]] && env=("ASAN_OPTIONS=$ASAN_OPTIONS:fast_unwind_on_malloc=0")
	echo "run.sh: $t for ${seconds}s (log: ${log#$src/})"
	# kept crashers first: are they fixed?
	bash "$here/regress.sh" "$exe" "$here/crashers/$t" > "$here/logs/$t.regress.tap" 2>&1 \
		|| echo "run.sh: $t: some kept crashers still fail (see ${here#$src/}/logs/$t.regress.tap)"
	env "${env[@]}" "$exe" "${mode[@]}" -max_len="${max_len[$t]}" -timeout=10 -rss_limit_mb=2048 \
		-max_total_time="$seconds" -print_final_stats=1 -dict="$here/${dict[$t]}" \
		-artifact_prefix="$here/crashers/$t/" ${FUZZ_ARGS:-} \
		"$here/corpus/$t" > "$log" 2>&1
	local rc=$? execs
	execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
	[[ -n $execs ]] || execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
	echo "run.sh: $t: exit $rc, ${execs:-?} executions, $(find "$here/crashers/$t" -type f ! -name '*.txt' ! -name '*.md' | wc -l) inputs in ${here#$src/}/crashers/$t"
}

for t in "${targets[@]}"; do
	[[ -x $build/fuzz/$t ]] || { echo "run.sh: no target $t" >&2; exit 64; }
	seed "$t"
done
pids=()
for t in "${targets[@]}"; do
	while (( $(jobs -rp | wc -l) >= jobs_max )); do wait -n; done
	run_one "$t" &
	pids+=($!)
done
wait "${pids[@]}"
# temporary files of fuzzer processes that aborted (no atexit then)
for f in /dev/shm/certnotice-fuzz-*; do
	[[ -e $f ]] || continue
	pid=${f##*/certnotice-fuzz-}; pid=${pid%%.*}
	kill -0 "$pid" 2>/dev/null || rm -f "$f"
done
