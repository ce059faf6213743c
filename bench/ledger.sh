#!/usr/bin/env bash
# bench/ledger.sh - the ledger of certificate cases: how fast notices are
# recorded, `certnotice recheck` over many open cases on loopback, and
# `certnotice cases` on a large ledger (it must stay interactive).
#
# Run by hand from anywhere (not part of the test suite):
#
#   ninja -C build && bench/ledger.sh
#
# What it does:
#   1. Writes an mbox of BENCH_CASES Sakura renewal-failure notices, one per
#      name (half s0001.ok.bench.test …, half s0002.due.bench.test …) and
#      records them: `parse --no-verify --db` (one transaction per message,
#      as mail arrives) → BENCH_CASES open cases.
#   2. One loopback TLS endpoint serves, by SNI, a renewed certificate for
#      *.ok.bench.test (89 days) and an expiring one for *.due.bench.test
#      (10 days).  `certnotice recheck` checks every open case at once (one
#      libcurl multi handle, --parallel 32): half resolve, half stay open.
#      A second recheck checks the half still open.
#   3. Records BENCH_NOTICES notices over BENCH_DOMAINS names (as reminders
#      come: several mails per certificate) and times `cases` in text,
#      JSON and Prometheus form, and `cases --all` (median of BENCH_REPEAT).
#      Goal: under 100 ms.
#
# Environment:
#   BENCH_CASES=1000  BENCH_NOTICES=100000  BENCH_DOMAINS=5000  BENCH_REPEAT=5
#   BENCH_KEEP=1      keep the temp dir (path printed at the end)
#   CERTNOTICE=PATH   binary (default: build/src/certnotice)
#
# Exit status: 0 when every count is as expected, 1 otherwise, 2 on a setup
# error.  Whether the speed goal is met is printed only.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CN=${CERTNOTICE:-$ROOT/build/src/certnotice}
CASES=${BENCH_CASES:-1000}
NOTICES=${BENCH_NOTICES:-100000}
DOMAINS=${BENCH_DOMAINS:-5000}
REPEAT=${BENCH_REPEAT:-5}
[ -x "$CN" ] || { echo "bench/ledger.sh: no binary at $CN (ninja -C build)" >&2; exit 2; }
T=$(mktemp -d)
. "$ROOT/tests/tls/harness.sh"
trap 'tls_stop >/dev/null 2>&1; [ -n "${BENCH_KEEP:-}" ] && echo "kept $T" || rm -rf "$T"' EXIT
export XDG_CONFIG_HOME=$T/config XDG_STATE_HOME=$T/state NO_COLOR=1
status=0
check() { if [ "$2" = "$3" ]; then echo "  ok: $1"; else echo "  MISMATCH: $1: got $2, want $3"; status=1; fi; }
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }

# mbox FILE COUNT NAMES: COUNT notices over NAMES names (notice i is about
# name i mod NAMES; even names under ok.bench.test, odd under due.bench.test)
mbox() {
	python3 - "$@" <<'PY'
import sys, email.utils, datetime as dt
from email.message import EmailMessage
path, count, names = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
jst = dt.timezone(dt.timedelta(hours=9))
base = dt.datetime.now(jst) - dt.timedelta(days=20)
out = open(path, "wb")
for i in range(count):
    k = i % names
    domain = "s%05d.%s.bench.test" % (k, "ok" if k % 2 == 0 else "due")
    m = EmailMessage()
    m["From"] = "さくらインターネット <support@sakura.ad.jp>"
    m["To"] = "user@example.com"
    m["Date"] = email.utils.format_datetime(base + dt.timedelta(minutes=i))
    m["Message-ID"] = "<bench.%d.%s@sakura.ad.jp>" % (i, domain)
    m["Subject"] = "[さくらインターネット]【重要】無料SSL証明書 更新エラーについて"
    m.set_content("現在ご利用中の無料SSL機能で自動更新に失敗したため証明書の発行ができませんでした。\n\n"
                  "====\nコモンネーム :%s\n====\n" % domain)
    out.write(b"From support@sakura.ad.jp Mon Jan  1 00:00:00 2024\n")
    out.write(m.as_bytes().replace(b"\nFrom ", b"\n>From "))
    out.write(b"\n")
PY
}
# median of the command's wall time over REPEAT runs, in ms
median_ms() {
	local i s times=()
	for i in $(seq "$REPEAT"); do
		s=$(now); "$@" >/dev/null 2>&1 || true; times+=("$(echo "($(now) - $s) * 1000" | bc)")
	done
	printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR + 1) / 2)] }'
}
sql() { python3 -c 'import sqlite3, sys
for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print("|".join(str(v) for v in r))' "$@"; }

echo "== 1. recording $CASES notices (parse --record, one transaction per message)"
mbox "$T/cases.mbox" "$CASES" "$CASES"
DB=$T/cases.db
s=$(now)
"$CN" parse --no-verify --db "$DB" --format json "$T/cases.mbox" >/dev/null 2>"$T/parse.err" || true
el=$(since "$s")
echo "  $CASES notices in ${el}s ($(echo "$CASES / $el" | bc) per second, judging included)"
check "open cases" "$(sql "$DB" "SELECT count(*) FROM cases WHERE state = 'open'")" "$CASES"

echo "== 2. recheck of $CASES open cases on loopback"
tls_start "$T/tls" "
ok   now-1d  now+89d *.ok.bench.test
due  now-80d now+10d *.due.bench.test
" "mix ok,due 4 tls" >/dev/null || { echo "bench/ledger.sh: the TLS server did not start" >&2; exit 2; }
LIVE=(--cacert "$T/tls/ca.pem" --connect-to ":443:127.0.0.1:$(tls_port mix)" --timeout 30)
RECHECK=("$CN" recheck --db "$DB" "${LIVE[@]}")
sql "$DB" "SELECT domain FROM cases" > "$T/names"
s=$(now)
"$CN" check "${LIVE[@]}" --from "$T/names" >/dev/null 2>&1 || true
echo "  the floor: \`check\` of the same $CASES names takes $(since "$s")s (the handshakes alone)"
s=$(now)
"${RECHECK[@]}" >"$T/recheck.out" 2>"$T/recheck.err" || true
el=$(since "$s")
echo "  first recheck: $CASES cases in ${el}s ($(echo "$CASES / $el" | bc) per second): $(tail -1 "$T/recheck.err" | sed 's/^certnotice recheck: //')"
check "resolved (renewed certificate)" "$(sql "$DB" "SELECT count(*) FROM cases WHERE state = 'resolved'")" "$((CASES / 2))"
check "still open (expiring in 10 days)" "$(sql "$DB" "SELECT count(*) FROM cases WHERE state = 'open' AND live_status = 'expiring'")" "$((CASES - CASES / 2))"
s=$(now)
"${RECHECK[@]}" >/dev/null 2>"$T/recheck2.err" || true
el=$(since "$s")
echo "  second recheck: $((CASES - CASES / 2)) cases in ${el}s"
echo "  handshakes seen by the server: $(grep -c handshake-ok "$T/tls/tlsserver.events") (check, then both rechecks)"

echo "== 3. cases on a ledger of $NOTICES notices over $DOMAINS certificates"
BIG=$T/big.db
mbox "$T/big.mbox" "$NOTICES" "$DOMAINS"
s=$(now)
"$CN" parse --no-verify --db "$BIG" --format json "$T/big.mbox" >/dev/null 2>"$T/big.err" || true
el=$(since "$s")
echo "  recorded in ${el}s ($(echo "$NOTICES / $el" | bc) notices per second, judging included); file $(du -h "$BIG" | cut -f1)"
check "notices" "$(sql "$BIG" "SELECT count(*) FROM notices")" "$NOTICES"
check "cases" "$(sql "$BIG" "SELECT count(*), sum(notices) FROM cases")" "$DOMAINS|$NOTICES"
for args in "" "--format json" "--format prometheus" "--all"; do
	# shellcheck disable=SC2086
	ms=$(median_ms "$CN" cases --db "$BIG" $args)
	goal=$(echo "$ms < 100" | bc)
	printf '  cases %-20s %7s ms (median of %s) %s\n' "$args" "$ms" "$REPEAT" "$([ "$goal" = 1 ] && echo "< 100 ms: ok" || echo "GOAL MISSED (100 ms)")"
done
ms=$(median_ms "$CN" version)
echo "  (certnotice version, the floor of any command: $ms ms)"
exit $status
