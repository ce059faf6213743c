#!/usr/bin/env bash
# bench/check.sh - time `certnotice check` against Debian's ssl-cert-check and
# a plain `openssl s_client | openssl x509` loop on many loopback TLS
# endpoints, and prove that all three read the same expiry date everywhere.
#
# Run by hand from anywhere (not part of the test suite):
#
#   ninja -C build && bench/check.sh
#
# Loopback only: the endpoints come from tests/tls/harness.sh (one python
# server, one port and one certificate per endpoint, signed by a throw-away
# CA).  Nothing else is contacted.
#
# Environment:
#   BENCH_N=200              endpoints (1..999), named site001.test ...
#   BENCH_REPEAT=3           runs per certnotice configuration (median shown)
#   BENCH_PARALLEL="1 8 32 64 200"   --parallel values for the sweep
#   BENCH_KEEP=1             keep the temp dir (path printed at the end)
#   CERTNOTICE=PATH          binary (default: build/src/certnotice)
#   SSL_CERT_CHECK=PATH      default: ssl-cert-check from PATH; if it is
#                            missing and we are root, `apt-get install -y
#                            ssl-cert-check` is tried once
#   TLS_PYTHON               interpreter for the harness (default python3)
#
# Exit status: 0 when every tool agrees with the certificates on every
# endpoint, 1 on any mismatch or tool failure, 2 on a setup error.  Whether
# the speed goal (certnotice >= 20x ssl-cert-check) is met is printed only.
set -euo pipefail
export LC_ALL=C            # "." as decimal point in $EPOCHREALTIME and awk

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${BENCH_N:-200}
REPEAT=${BENCH_REPEAT:-3}
PARALLELS=${BENCH_PARALLEL:-"1 8 32 64 200"}
CERTNOTICE=${CERTNOTICE:-$ROOT/build/src/certnotice}
PY=${TLS_PYTHON:-python3}
GOAL=20

die() { echo "bench/check.sh: $*" >&2; exit 2; }

[[ $N =~ ^[0-9]+$ ]] && (( N >= 1 && N <= 999 )) || die "BENCH_N must be 1..999"
[[ $REPEAT =~ ^[0-9]+$ ]] && (( REPEAT >= 1 )) || die "BENCH_REPEAT must be >= 1"
[ -x "$CERTNOTICE" ] || die "no certnotice at $CERTNOTICE (run: ninja -C build)"
command -v openssl >/dev/null || die "openssl not found"
command -v "$PY" >/dev/null || die "$PY not found"

SCC=${SSL_CERT_CHECK:-$(command -v ssl-cert-check || true)}
if [ -z "$SCC" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "# ssl-cert-check missing: apt-get install -y ssl-cert-check" >&2
        apt-get install -y ssl-cert-check >/dev/null 2>&1 ||
            { apt-get update >/dev/null 2>&1 && apt-get install -y ssl-cert-check >/dev/null 2>&1; } ||
            die "could not install ssl-cert-check"
        SCC=$(command -v ssl-cert-check) || die "ssl-cert-check still not on PATH"
    else
        die "ssl-cert-check not found (apt-get install ssl-cert-check, or set SSL_CERT_CHECK)"
    fi
fi
SCC_VERSION=$("$SCC" -V 2>/dev/null || echo '?')

. "$ROOT/tests/tls/harness.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/certnotice-bench.XXXXXX")
cleanup() {
    tls_stop
    if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "# kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- 1. N endpoints, each with its own certificate and its own notAfter ----
# site i expires at now + (3i - 60) days + (37i mod 1440) minutes: every
# endpoint on a different calendar day (so even ssl-cert-check's day-only
# output would show a mix-up), about 20 already expired, a few within the
# default 14 warning days, the rest up to ~2.5 years out.
names=() ports=()
{
    echo "# name  notBefore  notAfter  SAN"
    for ((i = 1; i <= N; i++)); do
        n=$(printf 'site%03d' "$i")
        d=$((3 * i - 60)) m=$((37 * i % 1440))
        if ((d < 0)); then na="now${d}d+${m}m"; else na="now+${d}d+${m}m"; fi
        echo "$n now-400d $na $n.test"
    done
} > "$T/certs.spec"
for ((i = 1; i <= N; i++)); do printf 'site%03d site%03d 4 tls\n' "$i" "$i"; done > "$T/endpoints.spec"

echo "# setting up $N loopback endpoints (own key + cert each) ..."
t0=$EPOCHREALTIME
tls_start "$T/tls" "$T/certs.spec" "$T/endpoints.spec" || die "tls_start failed"
D=$T/tls
echo "# ready in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s (server pid $TLS_PID)"

ct_args=()
: > "$T/domains"; : > "$T/scc.list"
while read -r n fam port; do
    [ "$fam" = 4 ] || die "unexpected family in portfile: $n $fam $port"
    names+=("$n"); ports+=("$port")
    echo "$n.test" >> "$T/domains"                     # --from: DOMAIN (port 443)
    ct_args+=("--connect-to=$n.test:443:127.0.0.1:$port")
    echo "127.0.0.1 $port" >> "$T/scc.list"           # ssl-cert-check -f: "host port"
done < "$D/ports"
((${#names[@]} == N)) || die "portfile has ${#names[@]} endpoints, want $N"

# ---- helpers ----
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
failed=0

# run_certnotice OUT [ARG...]: one timed run; prints the wall seconds.
run_certnotice() {
    local out=$1 rc=0 t0 t1; shift
    t0=$EPOCHREALTIME
    "$CERTNOTICE" check --format json --cacert "$D/ca.pem" --timeout 30 --warn-days 14 \
        --from "$T/domains" "${ct_args[@]}" "$@" > "$out" 2> "$out.err" || rc=$?
    t1=$EPOCHREALTIME
    echo "$rc" > "$out.rc"    # checked later: this runs inside $(...)
    elapsed "$t0" "$t1"
}

# ---- 2. certnotice (default --parallel), REPEAT runs after one warm-up ----
echo "# certnotice: warm-up + $REPEAT timed runs (default --parallel) ..."
run_certnotice "$T/cn.warmup.json" > /dev/null
cn_times=()
for ((r = 1; r <= REPEAT; r++)); do
    cn_times+=("$(run_certnotice "$T/cn.default.$r.json")")
done
CN=$(median "${cn_times[@]}")
echo "#   runs: ${cn_times[*]} s -> median $CN s"

# ---- 2b. --parallel sweep ----
declare -A par_med par_runs
for p in $PARALLELS; do
    ts=()
    for ((r = 1; r <= REPEAT; r++)); do
        ts+=("$(run_certnotice "$T/cn.p$p.$r.json" --parallel "$p")")
    done
    par_med[$p]=$(median "${ts[@]}") par_runs[$p]="${ts[*]}"
done

# exit 1 = something expiring/expired, which we built in; more is a failure
for f in "$T"/cn.*.json.rc; do
    rc=$(cat "$f")
    if ((rc > 1)); then
        echo "bench/check.sh: certnotice exited $rc (${f##*/}):" >&2; head -n 5 "${f%.rc}.err" >&2; failed=1
    fi
done

# ---- 3. ssl-cert-check: one sequential run over the same endpoints ----
# ssl-cert-check has no SNI option: it runs `openssl s_client -connect
# HOST:PORT -servername HOST`, so with HOST=127.0.0.1 it checks by address
# (and sends the IP literal as SNI).  Fine here: one certificate per port.
echo "# ssl-cert-check $SCC_VERSION: $N endpoints, sequential ..."
sni_before=$(grep -c ' handshake-ok sni=127\.0\.0\.1 ' "$D/tlsserver.events" || true)
t0=$EPOCHREALTIME
"$SCC" -b -x 14 -f "$T/scc.list" > "$T/scc.out" 2> "$T/scc.err" || { echo "bench/check.sh: ssl-cert-check failed" >&2; failed=1; }
t1=$EPOCHREALTIME
SCC_T=$(elapsed "$t0" "$t1")
sni_after=$(grep -c ' handshake-ok sni=127\.0\.0\.1 ' "$D/tlsserver.events" || true)
echo "#   $SCC_T s; server saw SNI=127.0.0.1 on $((sni_after - sni_before)) handshakes"

# ---- 4. plain openssl loop ----
echo "# openssl s_client | openssl x509 loop: $N endpoints, sequential ..."
t0=$EPOCHREALTIME
for ((i = 0; i < N; i++)); do
    printf '%s %s\n' "${names[$i]}" \
        "$(openssl s_client -connect "127.0.0.1:${ports[$i]}" -servername "${names[$i]}.test" </dev/null 2>/dev/null |
           openssl x509 -noout -enddate 2>/dev/null || true)"
done > "$T/ossl.out"
t1=$EPOCHREALTIME
OSSL_T=$(elapsed "$t0" "$t1")
echo "#   $OSSL_T s"

# ---- 5. agreement: every tool vs. the certificates as generated ----
# Reference = certs.resolved (what mkcerts.sh put into each certificate).
# certnotice and openssl give the full notAfter (compared to the second),
# ssl-cert-check only "Mon DD, YYYY" (compared as YYYY-MM-DD).  certnotice is
# also checked for the served certificate's name, trust and status, in every
# run of every configuration (a mix-up under parallelism would show there).
echo
echo "== agreement on notAfter ($N endpoints) =="
verify_rc=0
"$PY" - "$D/certs.resolved" "$D/ports" "$T/scc.out" "$T/ossl.out" "$T"/cn.*.json <<'EOF' || verify_rc=$?
import json, sys, time, calendar, re
resolved, portfile, scc_out, ossl_out, *cn_files = sys.argv[1:]
MON = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}
def iso(ts):  # 20261213104747Z -> 2026-12-13T10:47:47Z
    return "%s-%s-%sT%s:%s:%sZ" % (ts[0:4], ts[4:6], ts[6:8], ts[8:10], ts[10:12], ts[12:14])

exp = {}                              # name -> ISO notAfter
for line in open(resolved):
    f = line.split("#", 1)[0].split()
    if f:
        exp[f[0]] = iso(f[2])
port2name = {}
for line in open(portfile):
    n, fam, port = line.split()
    port2name[port] = n
names = sorted(exp)
now = time.time()
mism = []

# ssl-cert-check: "127.0.0.1:PORT   Valid   Dec 13, 2026   20"
scc = {}
for line in open(scc_out):
    m = re.match(r"^127\.0\.0\.1:(\d+)\s+(\S+)\s+([A-Z][a-z]{2})\s+(\d+),\s+(\d{4})\s+-?\d+\s*$", line)
    if m and m.group(1) in port2name:
        scc[port2name[m.group(1)]] = "%s-%02d-%02d" % (m.group(5), MON[m.group(3)], int(m.group(4)))
    elif line.strip():
        m2 = re.match(r"^127\.0\.0\.1:(\d+)\s+(.*)$", line)
        if m2 and m2.group(1) in port2name:
            scc[port2name[m2.group(1)]] = "ERR(" + m2.group(2).strip() + ")"
# openssl loop: "site001 notAfter=Dec 13 10:47:47 2026 GMT"
ossl = {}
for line in open(ossl_out):
    n, _, rest = line.rstrip("\n").partition(" ")
    m = re.match(r"notAfter=([A-Z][a-z]{2})\s+(\d+) (\d\d):(\d\d):(\d\d) (\d{4}) GMT", rest)
    ossl[n] = ("%s-%02d-%02dT%s:%s:%sZ" % (m.group(6), MON[m.group(1)], int(m.group(2)),
               m.group(3), m.group(4), m.group(5))) if m else "ERR(%s)" % rest
for n in names:
    e = exp[n]
    if scc.get(n) != e[:10]:
        mism.append("%s ssl-cert-check: %s, certificate: %s" % (n, scc.get(n, "missing"), e[:10]))
    if ossl.get(n) != e:
        mism.append("%s openssl: %s, certificate: %s" % (n, ossl.get(n, "missing"), e))

runs = 0
for fn in cn_files:
    runs += 1
    tag = fn.rsplit("/", 1)[-1]
    got = {}
    for line in open(fn):
        o = json.loads(line)
        got[o["domain"]] = o
    for n in names:
        o = got.get(n + ".test")
        e = exp[n]
        if o is None:
            mism.append("%s certnotice[%s]: missing" % (n, tag)); continue
        if o.get("not_after") != e:
            mism.append("%s certnotice[%s]: %s, certificate: %s (status %s, error %s)"
                        % (n, tag, o.get("not_after"), e, o.get("status"), o.get("error")))
            continue
        expired = calendar.timegm(time.strptime(e, "%Y-%m-%dT%H:%M:%SZ")) < now
        bad = []
        if o.get("names") != [n + ".test"] or o.get("name_matches") is not True:
            bad.append("names %s" % o.get("names"))
        if o.get("trusted") is not (not expired):
            bad.append("trusted %s" % o.get("trusted"))
        if (o.get("status") == "expired") != expired or o.get("status") not in ("ok", "expiring", "expired"):
            bad.append("status %s" % o.get("status"))
        if bad:
            mism.append("%s certnotice[%s]: %s" % (n, tag, ", ".join(bad)))
    if len(got) != len(names):
        mism.append("certnotice[%s]: %d records, want %d" % (tag, len(got), len(names)))

st = {}
for line in open(cn_files[0]):
    o = json.loads(line)
    st[o["status"]] = st.get(o["status"], 0) + 1
print("certificates: %s" % ", ".join("%d %s" % (v, k) for k, v in sorted(st.items())))
print("compared: certnotice (%d runs incl. warm-up, full timestamp + name/trust/status), "
      "openssl loop (full timestamp), ssl-cert-check (date only)" % runs)
for m in mism[:50]:
    print("MISMATCH " + m)
if len(mism) > 50:
    print("... %d more" % (len(mism) - 50))
print("mismatches: %d" % len(mism))
sys.exit(1 if mism else 0)
EOF
((verify_rc == 0)) || failed=1

# ---- 6. figures ----
rate() { awk -v n="$N" -v t="$1" 'BEGIN { printf "%.1f", (t > 0) ? n / t : 0 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", (b > 0) ? a / b : 0 }'; }
echo
echo "== wall time, $N endpoints ($(nproc) CPUs; the python TLS server shares them) =="
printf '%-34s %9s %12s %20s\n' tool "wall s" "endpoints/s" "certnotice speed-up"
printf '%-34s %9s %12s %20s\n' "certnotice check (median of $REPEAT)" "$CN" "$(rate "$CN")" "1.0x"
printf '%-34s %9s %12s %20s\n' "ssl-cert-check $SCC_VERSION -f" "$SCC_T" "$(rate "$SCC_T")" "$(ratio "$SCC_T" "$CN")"
printf '%-34s %9s %12s %20s\n' "openssl s_client|x509 loop" "$OSSL_T" "$(rate "$OSSL_T")" "$(ratio "$OSSL_T" "$CN")"
echo
echo "== certnotice --parallel sweep (median of $REPEAT) =="
printf '%-12s %9s %12s %20s   %s\n' "--parallel" "wall s" "endpoints/s" "vs ssl-cert-check" "runs"
for p in $PARALLELS; do
    printf '%-12s %9s %12s %20s   %s\n' "$p" "${par_med[$p]}" "$(rate "${par_med[$p]}")" \
        "$(ratio "$SCC_T" "${par_med[$p]}")" "${par_runs[$p]}"
done
echo
speedup=$(awk -v a="$SCC_T" -v b="$CN" 'BEGIN { printf "%.1f", (b > 0) ? a / b : 0 }')
if awk -v s="$speedup" -v g="$GOAL" 'BEGIN { exit !(s >= g) }'; then
    echo "goal (certnotice >= ${GOAL}x faster than ssl-cert-check): MET (${speedup}x)"
else
    echo "goal (certnotice >= ${GOAL}x faster than ssl-cert-check): NOT MET (${speedup}x)"
fi
if ((failed)); then echo "RESULT: FAILED (see mismatches / errors above)"; exit 1; fi
echo "RESULT: all tools agree on all $N endpoints"
