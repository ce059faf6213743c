#!/usr/bin/env bash
# test.sh — set up, build, and run every test twice: a plain build, then one
# with AddressSanitizer + UndefinedBehaviorSanitizer (leak checks on).  Ends
# with the line "N passed, N failed[, N skipped]" (TAP subtests counted).
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh --test || exit 1
status=0
summaries=()
logs=()
run_suite() { # NAME BUILDDIR MESON-OPTIONS...
	local name=$1 dir=$2; shift 2
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >/dev/null || { echo "$name: meson setup failed"; status=1; return; }
	fi
	if ! ninja -C "$dir" > "$dir/certnotice-build.log" 2>&1; then
		cat "$dir/certnotice-build.log"; echo "$name: build failed"; status=1; return
	fi
	if grep -q 'warning:' "$dir/certnotice-build.log"; then
		grep 'warning:' "$dir/certnotice-build.log"; echo "$name: the build has warnings"; status=1
	fi
	meson test -C "$dir" --print-errorlogs --num-processes 2 "${MESON_TEST_ARGS[@]}" || status=1
	summaries+=("$name: $(python3 tests/summarize.py "$dir/meson-logs/testlog.json")")
}
MESON_TEST_ARGS=()
run_suite plain build
# Detection is the same with the fast (frame-pointer) unwinder, which only
# records the allocation/free stacks a report prints; the slow one
# (fast_unwind_on_malloc=0) made the suite 2-4× slower (hostile: 64 s -> 17 s)
# and no suppression in tests/lsan.supp needs whole stacks.  To read a
# report with complete "allocated by" stacks, rerun that test with
#   ASAN_OPTIONS=...:fast_unwind_on_malloc=0 meson test -C build-asan NAME
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
export CERTNOTICE_SANITIZED=1
MESON_TEST_ARGS=(--timeout-multiplier 3)
run_suite asan build-asan -Db_sanitize=address,undefined -Db_lundef=false --buildtype=debug
# Every fuzz seed and every crasher the fuzzers ever found, replayed through
# the libFuzzer targets (clang, ASan+UBSan): a regression fails here.
unset CERTNOTICE_SANITIZED
if command -v clang >/dev/null; then
	if [ ! -f build-fuzz/build.ninja ]; then
		CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
			--buildtype=debugoptimized \
			"-Dc_args=-fsanitize=fuzzer-no-link -fno-sanitize-recover=undefined -fno-omit-frame-pointer -gline-tables-only" \
			>/dev/null || { echo "fuzz: meson setup failed"; status=1; }
	fi
	if [ -f build-fuzz/build.ninja ]; then
		# only what the regressions run: the fuzz targets and the library
		# (not the certnotice program and the unit tests again)
		fuzz_targets=$(ninja -C build-fuzz -t targets all | sed -n 's|^\(fuzz/[^.:/]*\): c_LINKER.*|\1|p')
		# shellcheck disable=SC2086
		if ninja -C build-fuzz $fuzz_targets > build-fuzz/certnotice-build.log 2>&1; then
			meson test -C build-fuzz --suite fuzz --print-errorlogs || status=1
			summaries+=("fuzz regressions: $(python3 tests/summarize.py build-fuzz/meson-logs/testlog.json)")
			logs+=(build-fuzz/meson-logs/testlog.json)
		else
			cat build-fuzz/certnotice-build.log; echo "fuzz: build failed"; status=1
		fi
	fi
fi
for s in "${summaries[@]}"; do echo "# $s"; done
python3 tests/summarize.py build/meson-logs/testlog.json build-asan/meson-logs/testlog.json "${logs[@]}" --final
st=$?
[ $status = 0 ] && [ $st = 0 ]
