#!/usr/bin/env bash
# bench/filter.sh — filter mode as an MDA sees it: start-to-exit time of
# `certnotice filter --no-verify` per mail (procmail runs one per mail), and
# its peak memory on a 50 MB mail.  Run by hand; prints figures.
set -euo pipefail
cd "$(dirname "$0")/.."
B=build-bench
[ -f $B/build.ninja ] || meson setup $B --buildtype=release >/dev/null
ninja -C $B >/dev/null
CN=$PWD/$B/src/certnotice
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
N=${BENCH_N:-500}

mails=(samples/sakura/renewal-failed-iso2022jp.eml samples/negative/english-unrelated.eml samples/conoha/renewal-failed-20d-multipart-eucjp.eml)
echo "start-to-exit, $N runs each (filter --no-verify < mail > /dev/null):"
for m in "${mails[@]}"; do
	t0=$(date +%s%N)
	for ((i = 0; i < N; i++)); do "$CN" filter --rules rules --no-verify < "$m" > /dev/null; done
	t1=$(date +%s%N)
	printf '  %-60s %6.2f ms/mail\n' "$m" "$(echo "($t1 - $t0) / $N / 1000000" | bc -l)"
done
t0=$(date +%s%N)
for ((i = 0; i < N; i++)); do cat < "${mails[0]}" > /dev/null; done
t1=$(date +%s%N)
printf '  %-60s %6.2f ms/mail\n' "(baseline: cat)" "$(echo "($t1 - $t0) / $N / 1000000" | bc -l)"

python3 - "$T/big.eml" <<'PY'
import sys, random
random.seed(1)
line = "".join(random.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(76)) + "\n"
head = ("From: support@sakura.ad.jp\nSubject: =?UTF-8?B?W+OBleOBj+OCieOCpOODs+OCv+ODvOODjeODg+ODiF3jgJDph43opoHjgJHnhKHmlplTU0zoqLzmmI7mm7gg5pu05paw44Ko44Op44O844Gr44Gk44GE44Gm?=\n"
        "Date: Mon, 1 Jul 2024 10:00:00 +0900\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n"
        "--B\nContent-Type: text/plain; charset=UTF-8\n\n現在ご利用中の無料SSL機能で自動更新に失敗\nコモンネーム :example.com\n"
        "--B\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n")
with open(sys.argv[1], "w") as f:
    f.write(head + line * ((50 << 20) // 77) + "--B--\n")
PY
size=$(stat -c %s "$T/big.eml")
for mode in "--max-size 100" ""; do
	/usr/bin/time -f '%e %M' -o "$T/t" "$CN" filter --rules rules --no-verify $mode < "$T/big.eml" > "$T/out"
	read -r el kb < "$T/t"
	printf '50 MB mail (%d bytes), filter %-14s: %5.2f s, peak RSS %d MiB (%.2f × the mail)\n' "$size" "${mode:-(default)}" \
		"$el" $((kb / 1024)) "$(echo "$kb * 1024 / $size" | bc -l)"
done
echo "(the default --max-size is 10 MB: larger mail passes through unjudged)"
