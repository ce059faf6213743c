#!/usr/bin/env bash
# selftest.sh - prove the loopback TLS harness (mkcerts.sh, tlsserver.py,
# harness.sh) with the openssl and curl CLIs.  Output is TAP (plan at the end).
#
# Env: TLS_KEEP=1            keep the temp dir (path printed as a comment)
#      TLS_SELFTEST_BIG=N    size of the many-endpoints test (default 200, 0 = skip)
#      TLS_PYTHON            interpreter for tlsserver.py (default python3)
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/harness.sh"
PY=${TLS_PYTHON:-python3}
BIG=${TLS_SELFTEST_BIG:-200}

T=$(mktemp -d "${TMPDIR:-/tmp}/tls-selftest.XXXXXX")
cleanup() {
    tls_stop
    [ -n "${BIGPID:-}" ] && kill "$BIGPID" 2>/dev/null
    if [ "${TLS_KEEP:-0}" = 1 ]; then echo "# kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT

n=0 failed=0
# t DESC CMD... : run CMD, report ok/not ok; on failure show $T/out as diagnostics
t() {
    local desc=$1; shift
    n=$((n + 1))
    if "$@" > "$T/out" 2>&1; then
        echo "ok $n - $desc"
    else
        echo "not ok $n - $desc"; failed=$((failed + 1))
        sed 's/^/#   /' "$T/out" | tail -n 15
    fi
}
now_s() { date +%s.%N; }
# alive PID: running and not a zombie (orphans are reaped lazily by some inits)
alive() { local st; st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1); [ -n "$st" ] && [ "$st" != Z ]; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# YYYYMMDDHHMMSSZ -> epoch
z2epoch() { local v=$1; date -u -d "${v:0:8} ${v:8:2}:${v:10:2}:${v:12:2}" +%s; }

D=$T/main
CERTS='
# name     notBefore notAfter  SANs            flag
expiring   now-70d   now+20d   expiring.test
renewed    now-5d    now+85d   renewed.test
expired    now-100d  now-10d   expired.test
wrongname  now-10d   now+80d   other.test
self       now-10d   now+80d   self.test       selfsigned
'
ENDPOINTS='
# name     cert      family mode
expiring   expiring  4      tls
renewed    renewed   4      tls
expired    expired   4      tls
wrongname  wrongname 4      tls
self       self      4      tls
renewed6   renewed   6      tls
hole       -         4      blackhole
closed     -         4      closed
'
# endpoint -> SNI / hostname the client asks for
declare -A HOST=([expiring]=expiring.test [renewed]=renewed.test [expired]=expired.test
                 [wrongname]=wrongname.test [self]=self.test [renewed6]=renewed.test)
# endpoint -> expected OpenSSL verify code (0 ok, 10 expired, 62 hostname mismatch, 18 self-signed)
declare -A VCODE=([expiring]=0 [renewed]=0 [expired]=10 [wrongname]=62 [self]=18 [renewed6]=0)
# endpoint -> cert name
declare -A CERT=([expiring]=expiring [renewed]=renewed [expired]=expired
                 [wrongname]=wrongname [self]=self [renewed6]=renewed)
# endpoint -> expected curl exit code with --cacert ca.pem
declare -A CURLRC=([expiring]=0 [renewed]=0 [expired]=60 [wrongname]=60 [self]=60 [renewed6]=0)
TLSEPS="expiring renewed expired wrongname self renewed6"

echo "# python: $(command -v "$PY") ($("$PY" -c 'import ssl,sys; print(sys.version.split()[0], ssl.OPENSSL_VERSION)'))"
echo "# openssl: $(openssl version)"

s0=$(now_s)
t "tls_start: certs generated and server listening" tls_start "$D" "$CERTS" "$ENDPOINTS"
s1=$(now_s)
echo "# tls_start took $(elapsed "$s0" "$s1") s"
if [ -z "${TLS_PID:-}" ]; then echo "Bail out! server did not start"; exit 1; fi

check_portfile() {
    [ "$(wc -l < "$TLS_PORTFILE")" -eq 8 ] || return 1
    awk 'NF != 3 || $3 !~ /^[0-9]+$/ || $3 < 1 || $3 > 65535 || ($2 != 4 && $2 != 6) { exit 1 }' "$TLS_PORTFILE" || return 1
    [ "$(awk '$1 == "renewed6" { print $2 }' "$TLS_PORTFILE")" = 6 ] && [ ! -e "$TLS_PORTFILE.tmp" ]
}
t "portfile has 8 'NAME FAMILY PORT' lines, renewed6 on family 6" check_portfile

# --- the certificate files themselves -------------------------------------
check_cert_file() {   # NAME: dates/CN/SAN/issuer as specified
    local name=$1 nb na sans flag want_nb want_na got cn
    read -r _ nb na sans flag < <(awk -v n="$name" '$1 == n' "$D/certs.resolved")
    want_nb=$(z2epoch "$nb"); want_na=$(z2epoch "$na")
    got=$(date -u -d "$(openssl x509 -in "$D/$name.pem" -noout -startdate | cut -d= -f2)" +%s)
    [ "$got" = "$want_nb" ] || { echo "notBefore $got != $want_nb"; return 1; }
    got=$(date -u -d "$(openssl x509 -in "$D/$name.pem" -noout -enddate | cut -d= -f2)" +%s)
    [ "$got" = "$want_na" ] || { echo "notAfter $got != $want_na"; return 1; }
    cn=${sans%%,*}
    openssl x509 -in "$D/$name.pem" -noout -subject | grep -qx "subject=CN = $cn" || { echo "bad CN"; return 1; }
    openssl x509 -in "$D/$name.pem" -noout -ext subjectAltName | grep -q "DNS:$cn" || { echo "bad SAN"; return 1; }
    if [ "${flag:-}" = selfsigned ]; then
        openssl x509 -in "$D/$name.pem" -noout -issuer | grep -qx "issuer=CN = $cn"
    else
        openssl x509 -in "$D/$name.pem" -noout -issuer | grep -qx "issuer=CN = certnotice test CA" &&
        openssl verify -CAfile "$D/ca.pem" -attime "$(z2epoch "$nb")" "$D/$name.pem"
    fi
    # key matches cert
    [ "$(openssl pkey -in "$D/$name.key" -pubout)" = "$(openssl x509 -in "$D/$name.pem" -noout -pubkey)" ]
}
for c in expiring renewed expired wrongname self; do
    t "$c.pem: exact dates from spec, CN/SAN, issuer, key matches" check_cert_file "$c"
done
check_relative() {   # expiring: notAfter - now within 20d +- 5 min
    local na d
    na=$(date -u -d "$(openssl x509 -in "$D/expiring.pem" -noout -enddate | cut -d= -f2)" +%s)
    d=$(( na - $(date +%s) - 20 * 86400 ))
    echo "offset $d s"; [ "${d#-}" -lt 300 ]
}
t "relative date now+20d resolved against the current time" check_relative

# --- what the server presents (openssl s_client) --------------------------
sclient() {   # ENDPOINT [extra s_client args]
    local ep=$1; shift
    openssl s_client -connect "$(tls_addr "$ep"):$(tls_port "$ep")" \
        -servername "${HOST[$ep]}" "$@" </dev/null 2>/dev/null
}
check_enddate() {
    local ep=$1 got want
    got=$(sclient "$ep" | openssl x509 -noout -enddate)
    want=$(openssl x509 -in "$D/${CERT[$ep]}.pem" -noout -enddate)
    echo "got '$got' want '$want'"; [ -n "$got" ] && [ "$got" = "$want" ]
}
check_verify() {
    local ep=$1 got
    got=$(sclient "$ep" -CAfile "$D/ca.pem" -verify_hostname "${HOST[$ep]}" | sed -n 's/^ *Verify return code: \([0-9]*\).*/\1/p' | tail -n 1)
    echo "verify code '$got', want ${VCODE[$ep]}"; [ "$got" = "${VCODE[$ep]}" ]
}
for ep in $TLSEPS; do
    t "s_client $ep ($(tls_addr "$ep")): served cert has the spec'd notAfter" check_enddate "$ep"
    t "s_client $ep: verify return code ${VCODE[$ep]}" check_verify "$ep"
done

# --- curl, as libcurl (certnotice) will see it -----------------------------
check_curl() {
    local ep=$1 rc
    curl -v --connect-to "$(tls_connect_to "$ep" "${HOST[$ep]}")" --cacert "$D/ca.pem" \
        "https://${HOST[$ep]}/" -m 5 > "$T/curl.body" 2> "$T/curl.err"
    rc=$?
    cat "$T/curl.err"; echo "curl rc=$rc want ${CURLRC[$ep]}"
    [ "$rc" = "${CURLRC[$ep]}" ] || return 1
    if [ "$rc" = 0 ]; then
        grep -q 'SSL certificate verify ok' "$T/curl.err" && grep -qx "$ep" "$T/curl.body"
    fi
}
for ep in $TLSEPS; do
    t "curl --connect-to ${HOST[$ep]}:443:$(tls_addr "$ep"):PORT --cacert ca.pem -> rc ${CURLRC[$ep]}" check_curl "$ep"
done
check_curl_expiring_details() {   # expire date visible as libcurl reports it
    local want
    want=$(openssl x509 -in "$D/expiring.pem" -noout -enddate | cut -d= -f2)
    echo "want 'expire date: $want'"
    curl -v --connect-to "$(tls_connect_to expiring expiring.test)" --cacert "$D/ca.pem" \
        https://expiring.test/ -m 5 2>&1 >/dev/null | grep "expire date: $want"
}
t "curl -v reports the expiring cert's expire date" check_curl_expiring_details

# --- blackhole and closed -------------------------------------------------
check_hole_sclient() {
    local s e rc
    s=$(now_s)
    timeout 3 openssl s_client -connect "127.0.0.1:$(tls_port hole)" -servername hole.test </dev/null >/dev/null 2>&1
    rc=$?; e=$(now_s)
    echo "rc=$rc after $(elapsed "$s" "$e") s"; [ "$rc" = 124 ]
}
t "blackhole: 'timeout 3 openssl s_client' hangs until killed (rc 124)" check_hole_sclient
check_hole_curl() {
    curl -sS --connect-to "$(tls_connect_to hole hole.test)" --cacert "$D/ca.pem" https://hole.test/ -m 2
    local rc=$?; echo "rc=$rc"; [ "$rc" = 28 ]
}
t "blackhole: curl -m 2 times out (rc 28)" check_hole_curl
check_hole_tcp() {   # TCP connect itself succeeds
    timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$(tls_port hole)"
}
t "blackhole: plain TCP connect succeeds" check_hole_tcp
check_closed_sclient() {
    local out rc
    out=$(timeout 5 openssl s_client -connect "127.0.0.1:$(tls_port closed)" </dev/null 2>&1); rc=$?
    echo "$out" | tail -n 3; echo "rc=$rc"
    [ "$rc" != 0 ] && [ "$rc" != 124 ] && echo "$out" | grep -q 'errno=111'
}
t "closed: openssl s_client gets connection refused" check_closed_sclient
check_closed_curl() {
    curl -sS --connect-to "$(tls_connect_to closed closed.test)" https://closed.test/ -m 5
    local rc=$?; echo "rc=$rc"; [ "$rc" = 7 ]
}
t "closed: curl fails to connect (rc 7)" check_closed_curl

# --- robustness -------------------------------------------------------------
check_garbage() {   # junk, half-open, immediate close; server must survive
    local p; p=$(tls_port expiring)
    head -c 3000 /dev/urandom | timeout 5 bash -c "cat > /dev/tcp/127.0.0.1/$p"
    printf 'GET / HTTP/1.0\r\n\r\n' | timeout 5 bash -c "cat > /dev/tcp/127.0.0.1/$p"
    timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$p; exec 3>&-"
    # client killed (SIGKILL, no close_notify) with the connection open
    openssl s_client -connect "127.0.0.1:$p" -servername expiring.test < <(sleep 3) >/dev/null 2>&1 &
    local bg=$!
    sleep 0.05; kill -9 "$bg" 2>/dev/null; wait "$bg" 2>/dev/null
    sleep 0.2
    kill -0 "$TLS_PID" && sclient expiring | openssl x509 -noout -subject | grep -q expiring.test
}
t "server survives garbage, plain HTTP, empty and killed-client connections" check_garbage
check_concurrent() {   # 50 parallel connections, held open ~1 s each
    local i ok=0 pids=() p
    p=$(tls_port renewed)
    for i in $(seq 50); do
        ( sleep 1 | openssl s_client -connect "127.0.0.1:$p" -servername renewed.test \
              -CAfile "$D/ca.pem" -verify_return_error >/dev/null 2>&1 && echo ok ) >> "$T/conc" 2>&1 &
        pids+=($!)
    done
    wait "${pids[@]}"   # not plain `wait`: the server is a background job too
    ok=$(grep -c ok "$T/conc"); echo "$ok/50 ok"; [ "$ok" = 50 ]
}
t "50 concurrent clients holding connections all complete the handshake" check_concurrent
check_events() {   # per-connection event log records the SNI
    grep -q ' expiring handshake-ok sni=expiring.test cert=expiring ' "$D/tlsserver.events" &&
    grep -q ' renewed6 handshake-ok sni=renewed.test cert=renewed ' "$D/tlsserver.events" &&
    grep -q ' hole accept ' "$D/tlsserver.events" &&
    grep -q ' expiring handshake-fail ' "$D/tlsserver.events"
}
t "tlsserver.events logs accepts, handshakes with SNI, failures" check_events

pid=$TLS_PID
check_stop() { tls_stop; ! kill -0 "$pid" 2>/dev/null && [ -z "${TLS_PID:-}" ]; }
t "tls_stop terminates the server (SIGTERM)" check_stop
t "tlsserver.log says it stopped on signal 15" grep -q 'stopping: signal 15' "$D/tlsserver.log"

# --- lifecycle: it always stops by itself ----------------------------------
mkdir -p "$T/life"
printf 'x expiring 4 tls\n' > "$T/life/spec"
check_lifetime() {
    local s e pid
    s=$(now_s)
    "$PY" "$HERE/tlsserver.py" --certs "$D" --spec "$T/life/spec" --portfile "$T/life/p1" --lifetime 1 2>"$T/life/log1" &
    pid=$!
    wait "$pid"; e=$(now_s)
    cat "$T/life/log1"; echo "exited after $(elapsed "$s" "$e") s"
    [ -s "$T/life/p1" ] && grep -q 'lifetime of 1s expired' "$T/life/log1" &&
        awk -v d="$(elapsed "$s" "$e")" 'BEGIN { exit !(d < 5) }'
}
t "--lifetime 1: stops by itself" check_lifetime
check_parent_death() {   # MODE: default (getppid) or watch (--watch-pid)
    local pid i extra=
    rm -f "$T/life/p2"
    # the subshell starts the server, waits until it is up, then exits
    pid=$( (
        [ "$1" = watch ] && extra="--watch-pid $BASHPID"
        "$PY" "$HERE/tlsserver.py" --certs "$D" --spec "$T/life/spec" --portfile "$T/life/p2" $extra \
            </dev/null >/dev/null 2>"$T/life/log2" &
        for i in $(seq 100); do [ -s "$T/life/p2" ] && break; sleep 0.1; done
        echo $! ) )
    for i in $(seq 30); do alive "$pid" || break; sleep 0.1; done
    cat "$T/life/log2"
    ! alive "$pid" && grep -Eq '(parent|watched pid) .* is gone' "$T/life/log2"
}
t "stops by itself within 3 s when its parent exits" check_parent_death default
t "stops by itself within 3 s when the --watch-pid process exits" check_parent_death watch
check_orphan_start() {   # parent gone before python even started
    local pid i
    pid=$( ( "$PY" "$HERE/tlsserver.py" --certs "$D" --spec "$T/life/spec" --portfile "$T/life/p5" \
               </dev/null >/dev/null 2>"$T/life/log5" & echo $! ) )
    for i in $(seq 50); do alive "$pid" || break; sleep 0.1; done
    cat "$T/life/log5"
    ! alive "$pid"
}
t "started by an already-exited parent: does not linger" check_orphan_start
check_setup_error() {
    printf 'x nosuchcert 4 tls\n' > "$T/life/bad"
    "$PY" "$HERE/tlsserver.py" --certs "$D" --spec "$T/life/bad" --portfile "$T/life/p3" --lifetime 5
    local rc=$?; echo "rc=$rc"; [ "$rc" = 2 ] && [ ! -e "$T/life/p3" ]
}
t "setup error (missing cert): exit 2, no portfile" check_setup_error
check_sni() {   # optional multi-cert endpoint chosen by SNI
    printf 'multi expiring,renewed 4 tls\n' > "$T/life/sni"
    "$PY" "$HERE/tlsserver.py" --certs "$D" --spec "$T/life/sni" --portfile "$T/life/p4" --lifetime 20 2>/dev/null &
    local pid=$! i p a b c
    for i in $(seq 50); do [ -s "$T/life/p4" ] && break; sleep 0.1; done
    p=$(awk '{ print $3 }' "$T/life/p4")
    a=$(openssl s_client -connect "127.0.0.1:$p" -servername renewed.test </dev/null 2>/dev/null | openssl x509 -noout -subject)
    b=$(openssl s_client -connect "127.0.0.1:$p" -servername expiring.test </dev/null 2>/dev/null | openssl x509 -noout -subject)
    c=$(openssl s_client -connect "127.0.0.1:$p" -noservername </dev/null 2>/dev/null | openssl x509 -noout -subject)
    kill "$pid"; wait "$pid" 2>/dev/null
    echo "$a / $b / $c"
    [ "$a" = "subject=CN = renewed.test" ] && [ "$b" = "subject=CN = expiring.test" ] && [ "$c" = "subject=CN = expiring.test" ]
}
t "SNI endpoint 'expiring,renewed' picks the cert by server name (default: first)" check_sni

# --- many endpoints ---------------------------------------------------------
if [ "$BIG" -gt 0 ]; then
    B=$T/big; mkdir -p "$B"
    for i in $(seq "$BIG"); do echo "c$i now-${i}d now+${i}d c$i.test"; done > "$B/certs.spec"
    for i in $(seq "$BIG"); do echo "e$i c$i $(( i % 10 == 0 ? 6 : 4 )) tls"; done > "$B/endpoints.spec"
    s=$(now_s)
    t "mkcerts.sh: $BIG leaf certs" "$HERE/mkcerts.sh" "$B" "$B/certs.spec"
    e=$(now_s); GEN=$(elapsed "$s" "$e")
    echo "# generating $BIG certs took $GEN s"
    s=$(now_s)
    "$PY" "$HERE/tlsserver.py" --certs "$B" --spec "$B/endpoints.spec" --portfile "$B/ports" \
        --lifetime 120 </dev/null >/dev/null 2>"$B/log" &
    BIGPID=$!
    for i in $(seq 1000); do [ -s "$B/ports" ] && break; kill -0 "$BIGPID" 2>/dev/null || break; sleep 0.01; done
    e=$(now_s); START=$(elapsed "$s" "$e")
    echo "# starting $BIG endpoints took $START s (portfile appeared)"
    t "server with $BIG endpoints writes its portfile within 10 s" test -s "$B/ports"
    check_big() {   # every endpoint presents its own cert
        local bad
        bad=$(awk '{ a = ($2 == 6) ? "[::1]" : "127.0.0.1"; n = substr($1, 2); print a ":" $3, "c" n ".test" }' "$B/ports" |
            xargs -P 8 -n 2 sh -c 'openssl s_client -connect "$1" -servername "$2" </dev/null 2>/dev/null |
                openssl x509 -noout -subject | grep -qx "subject=CN = $2" || echo "BAD $1 $2"' sh)
        echo "$bad" | head; [ -z "$bad" ]
    }
    s=$(now_s)
    t "all $BIG endpoints serve their own cert" check_big
    e=$(now_s)
    echo "# handshaking with all $BIG endpoints (8 parallel s_client) took $(elapsed "$s" "$e") s"
    kill "$BIGPID" 2>/dev/null; wait "$BIGPID" 2>/dev/null; BIGPID=
fi

echo "1..$n"
[ "$failed" = 0 ] || echo "# $failed of $n failed"
[ "$failed" = 0 ]
