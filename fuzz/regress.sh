#!/usr/bin/env bash
# regress.sh FUZZER DIR... — run a libFuzzer target once on every file under
# each DIR (missing directories are skipped), one process per file, as TAP.
# A file fails when the target exits non-zero (a crash, a sanitizer report,
# a failed property check).  Used by `meson test --suite fuzz` and run.sh.
# -rss_limit_mb=0: no RSS-watching thread; with one run per process it was
# sometimes still starting at exit and LeakSanitizer reported its stack.
set -u
fuzzer=$1; shift
files=()
for dir in "$@"; do
	[[ -d $dir ]] || continue
	while IFS= read -r -d '' f; do files+=("$f"); done \
		< <(find "$dir" -type f ! -name '.*' ! -name '*.txt' ! -name '*.md' -print0 | sort -z)
done
echo "1..${#files[@]}"
n=0 failed=0
for f in "${files[@]}"; do
	n=$((n + 1))
	if out=$("$fuzzer" -runs=1 -timeout=60 -rss_limit_mb=0 "$f" 2>&1); then
		echo "ok $n - $f"
	else
		failed=$((failed + 1))
		echo "not ok $n - $f"
		grep -E '==certnotice-fuzz==|ERROR: |SUMMARY: |runtime error:|^  [A-Z][0-9]:|#[0-9]+ 0x' <<<"$out" \
			| head -n 25 | sed 's/^/# /'
	fi
done
exit $((failed > 0))
