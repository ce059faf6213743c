# harness.sh - sourceable bash helpers for loopback TLS tests of certnotice.
#
#   . tests/tls/harness.sh
#   tls_start DIR SPEC_CERTS SPEC_ENDPOINTS   # certs -> DIR, server in background
#   port=$(tls_port expiring)
#   certnotice --connect-to "$(tls_connect_to expiring expiring.test)" --cacert DIR/ca.pem ...
#   tls_stop
#
# SPEC_CERTS / SPEC_ENDPOINTS: a file name, or the spec text itself (anything
# that is not an existing file, typically a multi-line string).  Formats are
# those of mkcerts.sh and tlsserver.py; dates in SPEC_CERTS may be relative
# (now-10d, now+20d, now+90m, ...), resolved against real time or $TLS_NOW.
#
# tls_start writes into DIR: ca.pem/ca.key, NAME.pem/NAME.key/NAME.sans,
# certs.spec, certs.resolved (absolute dates), endpoints.spec, ports
# (= $TLS_PORTFILE), tlsserver.log (server stderr), tlsserver.events
# (per-connection log, see tlsserver.py) and mkcerts.log.
#
# Globals set: TLS_PID, TLS_PORTFILE (exported), nothing else.
# Optional inputs: TLS_NOW (see mkcerts.sh), TLS_LIFETIME (server cap,
# default 600 s), TLS_PYTHON (interpreter, default: python3 from PATH).
#
# Call tls_start from the test's main shell, NOT inside $(...) or ( ... ):
# the server stops by itself as soon as the shell that started it exits.
# One server per shell at a time (run tlsserver.py directly for more).
# The functions work under `set -euo pipefail`.

# tls_date TOKEN: print TOKEN (now, now-10d, YYYYMMDDHHMMSSZ...) as
# YYYYMMDDHHMMSSZ, using the same rules (and $TLS_NOW) as mkcerts.sh.
tls_date() {
    "$(dirname "${BASH_SOURCE[0]}")/mkcerts.sh" --date "$1"
}

tls_start() {
    if [ $# -ne 3 ]; then
        echo "usage: tls_start DIR SPEC_CERTS SPEC_ENDPOINTS" >&2; return 2
    fi
    if [ -n "${TLS_PID:-}" ] && kill -0 "$TLS_PID" 2>/dev/null; then
        echo "tls_start: server $TLS_PID already running; call tls_stop first" >&2; return 2
    fi
    local here dir=$1 i
    here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || return 2
    mkdir -p "$dir" || return 2
    dir=$(cd "$dir" && pwd) || return 2
    if [ -f "$2" ]; then cat "$2"; else printf '%s\n' "$2"; fi > "$dir/certs.spec"
    if [ -f "$3" ]; then cat "$3"; else printf '%s\n' "$3"; fi > "$dir/endpoints.spec"

    if ! "$here/mkcerts.sh" "$dir" "$dir/certs.spec" > "$dir/mkcerts.log" 2>&1; then
        echo "tls_start: mkcerts.sh failed:" >&2; cat "$dir/mkcerts.log" >&2; return 1
    fi

    rm -f "$dir/ports" "$dir/ports.tmp"
    # expanded here: inside the backgrounded command $BASHPID is the server's
    local me=$BASHPID
    ${TLS_PYTHON:-python3} "$here/tlsserver.py" --certs "$dir" --spec "$dir/endpoints.spec" \
        --portfile "$dir/ports" --log "$dir/tlsserver.events" \
        --lifetime "${TLS_LIFETIME:-600}" --watch-pid "$me" </dev/null >"$dir/tlsserver.log" 2>&1 &
    TLS_PID=$!
    export TLS_PID
    export TLS_PORTFILE="$dir/ports"

    for i in $(seq 100); do          # up to 10 s
        [ -s "$TLS_PORTFILE" ] && return 0
        if ! kill -0 "$TLS_PID" 2>/dev/null; then
            wait "$TLS_PID" 2>/dev/null || true
            echo "tls_start: tlsserver.py exited early:" >&2; cat "$dir/tlsserver.log" >&2
            unset TLS_PID TLS_PORTFILE; return 1
        fi
        sleep 0.1
    done
    echo "tls_start: no portfile after 10 s:" >&2; cat "$dir/tlsserver.log" >&2
    tls_stop; return 1
}

# tls_port NAME: print the port of endpoint NAME.
tls_port() {
    local p
    p=$(awk -v n="$1" '$1 == n { print $3; exit }' "${TLS_PORTFILE:?tls_port: no server (tls_start first)}" 2>/dev/null)
    if [ -z "$p" ]; then echo "tls_port: unknown endpoint '$1'" >&2; return 1; fi
    printf '%s\n' "$p"
}

# tls_addr NAME: print "127.0.0.1" or "[::1]" (bracketed as in --connect-to).
tls_addr() {
    local f
    f=$(awk -v n="$1" '$1 == n { print $2; exit }' "${TLS_PORTFILE:?tls_addr: no server (tls_start first)}" 2>/dev/null)
    case $f in
        4) echo 127.0.0.1 ;;
        6) echo '[::1]' ;;
        *) echo "tls_addr: unknown endpoint '$1'" >&2; return 1 ;;
    esac
}

# tls_connect_to NAME HOST [PORT]: print "HOST:PORT:ADDR:ENDPOINTPORT" for
# curl-style --connect-to (PORT defaults to 443).
tls_connect_to() {
    local a p
    a=$(tls_addr "$1") && p=$(tls_port "$1") || return 1
    printf '%s:%s:%s:%s\n' "$2" "${3:-443}" "$a" "$p"
}

# tls_stop: stop the server (TERM, then KILL after 5 s) and reap it.
tls_stop() {
    [ -n "${TLS_PID:-}" ] || return 0
    local i
    kill -TERM "$TLS_PID" 2>/dev/null || true
    for i in $(seq 50); do
        kill -0 "$TLS_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$TLS_PID" 2>/dev/null || true
    wait "$TLS_PID" 2>/dev/null || true
    unset TLS_PID TLS_PORTFILE
    return 0
}
