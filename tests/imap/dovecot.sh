# dovecot.sh - sourceable bash helpers: a private, throw-away Dovecot (IMAP
# only, loopback only) for the certnotice IMAP tests.  Never reads or touches
# /etc/dovecot or a system Dovecot: every dovecot/doveadm call gets -c DIR/dovecot.conf,
# and base_dir, state_dir, logs and mail all live under DIR.
#
#   . tests/imap/dovecot.sh
#   imap_start DIR                 # certs, config, users, start; sets IMAP_* (below)
#   uid=$(imap_deliver INBOX msg.eml '\Seen $CertActionRequired')
#   curl --cacert "$IMAP_CACERT" -u "$IMAP_USER:$IMAP_PASS" "imaps://127.0.0.1:$IMAPS_PORT/INBOX" -X 'UID SEARCH ALL'
#   imap_fetch_flags INBOX "$uid"  # "$CertActionRequired \Seen"
#   imap_stop
#
# Call imap_start from the test's main shell, NOT inside $(...) or ( ... ):
# a watchdog stops this Dovecot as soon as the shell that called imap_start
# is gone (also after SIGKILL), or after IMAP_LIFETIME seconds (default 900,
# 0 = no limit).  The watchdog runs in its own session (a kill of the test's
# process group does not reach it) and is not a child of the test shell (a
# bare `wait` in the test does not wait for it); log: DIR/log/watchdog.log.
# IMAP_WATCH_PID overrides the pid it watches.  One instance per shell at a
# time (the functions use the exported IMAP_* of the last imap_start).
# All functions work under `set -euo pipefail` (they return non-zero on
# failure and print the reason on stderr).
#
# ---------------------------------------------------------------- listeners
# All on loopback; ports are picked free at start (python3 binds port 0, the
# port is written into the config; on "Address already in use" new ports are
# picked, up to 8 tries) and kept across imap_restart.  DIR/ports has one
# "NAME PORT" line each (written last, like a port file):
#
#   imaps        127.0.0.1:$IMAPS_PORT   implicit TLS.  LOGIN/AUTH=PLAIN ok.
#   imap         127.0.0.1:$IMAP_PORT    plain TCP, STARTTLS offered.  Plaintext
#                                        LOGIN/AUTH=PLAIN is ACCEPTED before
#                                        STARTTLS: Dovecot counts a connection
#                                        whose remote IP equals its local IP as
#                                        "secured", whatever disable_plaintext_auth
#                                        says.  Use it for the "plaintext with an
#                                        explicit flag" test (and for STARTTLS).
#   imap_strict  127.0.0.2:$IMAP_STRICT_PORT  plain TCP, STARTTLS offered,
#                                        LOGINDISABLED until STARTTLS (the
#                                        client's source address is 127.0.0.1,
#                                        so the connection is not "secured"):
#                                        a server that refuses plaintext.
#                                        Only if 127.0.0.2 is bindable (Linux:
#                                        yes), else IMAP_STRICT_PORT is empty.
#
# Settings: protocols = imap, ssl = yes, disable_plaintext_auth = yes (see
# above for what that means on loopback), auth_mechanisms = plain login,
# auth_failure_delay = 0 and no auth penalty (wrong-password tests stay fast),
# mail_max_userip_connections = 100, mail_fsync = never.
#
# TLS: tests/tls/mkcerts.sh makes DIR/ca.pem (+ca.key) and DIR/imap.pem/.key
# for imap.test, localhost, IP:127.0.0.1, IP:127.0.0.2 (valid now-1d..now+365d,
# or $IMAP_CERT_SPEC: a mkcerts.sh spec line for a leaf named "imap"); kept
# across restarts.  Clients verify with --cacert DIR/ca.pem ($IMAP_CACERT);
# the URL host may be 127.0.0.1, localhost, or imap.test with curl --resolve.
#
# -------------------------------------------------------------------- mail
# One user: $IMAP_USER=certtest, password $IMAP_PASS (default "certtest-pw";
# set IMAP_PASS before imap_start to change it), stored {PLAIN} in the
# passwd-file DIR/users (passdb and userdb), or hashed when
# IMAP_PASS_SCHEME=SHA512-CRYPT (any `doveadm pw -s` scheme).
# As root: Dovecot runs as root with default_internal_user = dovecot,
# default_login_user = dovenull; the mail uid/gid is 65534 (nobody/nogroup;
# override IMAP_MAIL_UID / IMAP_MAIL_GID), DIR/mail is chowned to it and DIR
# is made o+x -- DIR's PARENTS must be o+x already (`mktemp -d` makes 0700
# directories: chmod 711 it), imap_start checks and says so.
# Not root: everything runs as the calling user, no chroot (also tested).
#
# IMAP_SEPARATOR=. (before imap_start) gives Dovecot's own default instead:
# mail_location = maildir:~/Maildir (Maildir++), namespace separator "."
# (names with '/' are refused: "Name must not have '/' characters"), folders
# as Maildir/.A.B; IMAP_NS_PREFIX (e.g. "INBOX.") sets the personal
# namespace prefix (as Courier and old Cyrus have).  Mailbox arguments of the
# functions below are the server's names ("Certnotice.suspicious").
# Default: mail_location = maildir:~/Maildir:LAYOUT=fs, namespace separator "/":
# INBOX is DIR/mail/certtest/Maildir itself ($IMAP_MAILDIR), and
# "Certnotice/action-required" is Maildir/Certnotice/action-required/
# {cur,new,tmp}; the parent "Certnotice" is then \Noselect.  With LAYOUT=fs
# the names cur, new and tmp are reserved as a path component ("Foo/new" is
# refused: "Invalid mailbox name: Contains reserved name").  Keywords
# ($CertActionRequired, ...) are stored per maildir in dovecot-keywords
# (Maildir limit: 26 keywords per mailbox).  Post-login CAPABILITY includes
# MOVE, UIDPLUS, CONDSTORE, QRESYNC, IDLE, ESEARCH, LITERAL+.
#
# ---------------------------------------------------------- files in DIR
# dovecot.conf users ports ca.pem ca.key imap.pem imap.key certs.spec
# dovecot.pid (master pid = session id of all its processes) watchdog.pid
# instance (instance_name; process titles are "dovecot-<instance>/...")
# log/dovecot.log (all Dovecot logging; IMAP_DEBUG=1 adds mail/auth/ssl
# debug lines)  log/start.log log/stop.log log/watchdog.log log/mkcerts.log
# run/ (base_dir; a short /tmp/cn-imap.* dir instead when DIR is longer than
# 60 bytes, for unix socket paths: see DIR/base_dir)  state/  mail/
# rawlog/ (IMAP_RAWLOG=1: post-login traffic per session, *.in / *.out)
#
# ------------------------------------------------------------ exported
# IMAP_DIR IMAP_CONF IMAP_HOST(127.0.0.1) IMAPS_PORT IMAP_PORT
# IMAP_STRICT_ADDR(127.0.0.2) IMAP_STRICT_PORT IMAP_USER IMAP_PASS
# IMAP_CACERT IMAP_MAILDIR (the user's Maildir) IMAP_PORTFILE (DIR/ports)
#
# ------------------------------------------------------------ functions
# imap_start DIR            see above; ~0.3-0.6 s.  A leftover instance in
#                           DIR is stopped first.
# imap_stop                 SIGTERM to the master (what `dovecot -c CONF stop`
#                           does, without its 1 s polling) and to the imap /
#                           imap-login processes (Dovecot 2.3.19 leaves logged-in
#                           sessions running otherwise; clients see EOF), wait
#                           up to 10 s, SIGKILL whatever is left of the
#                           instance's session; once only the master and its
#                           log process are left (the master would linger ~1 s
#                           for it), SIGKILL those two.  ~0.3 s.  Idempotent.
# imap_restart              stop + start: same DIR, config, ports, certs, mail,
#                           UIDVALIDITY.  ~0.4 s.
# imap_running              true while the master process is alive
# imap_doveadm ARGS...      doveadm -c CONF ARGS...  (e.g. imap_doveadm
#                           mailbox status -u "$IMAP_USER" all INBOX)
# imap_mkdir MAILBOX        create MAILBOX (and parents) if missing
# imap_deliver MAILBOX FILE [FLAGS]
#                           store FILE (an RFC 5322 message, LF or CRLF) in
#                           MAILBOX (created if missing) with `doveadm save`,
#                           which works as root with the private config (it
#                           switches to the mail uid itself; dovecot-lda is
#                           not needed), then sets FLAGS ("\Seen
#                           $CertActionRequired") with `doveadm flags add`.
#                           Prints the new UID.  ~25-35 ms (2-3 doveadm runs);
#                           raw `doveadm save` alone: ~10-15 ms/message.
# imap_deliver_many MAILBOX FILE...
#                           bulk: one `doveadm import` from a scratch maildir;
#                           UIDs in argument order; prints "FIRST:LAST".
#                           1000 messages: 0.4-1.7 s, 10,000: ~1.5 s (1000
#                           raw `doveadm save`s: 10-15 s).
# imap_uidvalidity_bump MAILBOX [--keep-uids] [--reverse]
#                           force a new, larger UIDVALIDITY and print it.
#                           Default: the mailbox is re-created -- messages
#                           moved to a scratch mailbox; a folder is deleted
#                           and created again, INBOX (cannot be deleted) gets
#                           its dovecot-uidlist and index files removed;
#                           messages moved back (flags and keywords kept) --
#                           so UIDs restart at 1.  --reverse: they come back
#                           in reverse order, so an old UID now names a
#                           DIFFERENT message.  --keep-uids: only `doveadm
#                           mailbox update --uid-validity OLD+1` (same UIDs).
#                           Do it while no client has MAILBOX selected.
# imap_uidvalidity MAILBOX  print the current UIDVALIDITY (doveadm)
# imap_fetch_flags MAILBOX UID
#                           flags of one message seen by a second IMAP client
#                           (imapc.py: python3 imaplib over imaps, EXAMINE),
#                           sorted, space separated, without \Recent
# imap_list_mailbox MAILBOX one line per message: UID<TAB>FLAGS<TAB>SUBJECT
#                           (EXAMINE + BODY.PEEK: changes nothing)
# imap_count MAILBOX        number of messages (STATUS)
# imap_folders              NAME<TAB>COUNT for every mailbox (\Noselect: "-")
# imapc ARGS...             run imapc.py (see its header) against this instance

_IMAP_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

_imap_err() { echo "dovecot.sh: $*" >&2; }

# _imap_free_ports: print "IMAPS IMAP STRICT" free ports (STRICT "-" when
# 127.0.0.2 cannot be bound).  All sockets are held open together so the
# ports differ.
_imap_free_ports() {
    python3 - <<'EOF'
import socket
held, out = [], []
for addr in ("127.0.0.1", "127.0.0.1", "127.0.0.2"):
    s = socket.socket()
    try:
        s.bind((addr, 0))
    except OSError:
        out.append("-"); continue
    held.append(s); out.append(str(s.getsockname()[1]))
print(" ".join(out))
EOF
}

# _imap_alive PID: running and not a zombie (orphans reparented to PID 1 may
# stay zombies for a while when init reaps lazily, so kill -0 is not enough)
_imap_alive() {
    local st
    st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [ -n "$st" ] && [ "$st" != Z ]
}

# _imap_sessprocs SID: pids of live (non-zombie) dovecot processes in session SID
_imap_sessprocs() {
    local sid=$1
    [ -n "$sid" ] || return 0
    ps -e -o pid=,sid=,stat=,args= 2>/dev/null | awk -v s="$sid" \
        '$2 == s && $3 !~ /^Z/ && $0 ~ /dovecot/ { print $1 }'
}

# _imap_kill DIR: stop the instance of DIR, whatever state it is in.
_imap_kill() {
    local dir=$1 conf=$1/dovecot.conf mpid="" i left=""
    [ -f "$dir/dovecot.pid" ] && mpid=$(cat "$dir/dovecot.pid" 2>/dev/null || true)
    if [ -n "$mpid" ] && [ -n "$(_imap_sessprocs "$mpid")" ]; then
        # what `dovecot -c CONF stop` does (SIGTERM to the master), minus its
        # 1-second polling: the master is gone ~1.1 s later (it waits for its
        # log process), `dovecot stop` returns after ~2.2 s.
        kill -TERM "$mpid" 2>/dev/null || true
        # Dovecot 2.3.19 leaves logged-in sessions (imap, and imap-login
        # proxying their TLS) running after the master exits, despite
        # shutdown_clients = yes: end them too (they send "* BYE Server
        # shutting down." first), like a real server stop/restart would.
        left=$(_imap_sessprocs "$mpid" | grep -vx "$mpid" || true)
        [ -z "$left" ] || left=$(ps -o pid=,args= -p "$(echo $left | tr ' ' ,)" 2>/dev/null | awk '$2 ~ /\/imap/ { print $1 }' || true)
        # shellcheck disable=SC2086
        [ -z "$left" ] || kill -TERM $left 2>/dev/null || true
    elif [ -f "$conf" ] && [ -s "$(sed -n 's/^base_dir = //p' "$conf")/master.pid" ]; then
        timeout 15 dovecot -c "$conf" stop </dev/null >>"$dir/log/stop.log" 2>&1 || true
    fi
    # the master is the session leader of all its children (setsid on daemonize)
    for i in $(seq 200); do                       # up to 10 s
        left=$(_imap_sessprocs "$mpid")
        [ -z "$left" ] && break
        # once every service has exited, the master lingers ~1 s for its
        # log process: nothing is left to shut down, so end both at once
        # (restarts in the tests take 0.3 s instead of 1.3 s)
        # shellcheck disable=SC2086
        if [ -n "$mpid" ] && [ -z "$(ps -o pid=,args= -p "$(echo $left | tr ' ' ,)" 2>/dev/null |
                awk -v m="$mpid" '$1 != m && $2 !~ /\/log$/')" ]; then
            kill -KILL $left 2>/dev/null || true
            # what the master removes on a clean exit (a killed master can
            # stay a zombie a while, and the next start would take it for alive)
            [ -f "$conf" ] && rm -f "$(sed -n 's/^base_dir = //p' "$conf")/master.pid"
        fi
        sleep 0.05
    done
    if [ -n "$left" ]; then
        echo "$(date '+%F %T') killing leftover processes: $left" >>"$dir/log/stop.log"
        # shellcheck disable=SC2086
        kill -KILL $left 2>/dev/null || true
        for i in $(seq 50); do
            [ -z "$(_imap_sessprocs "$mpid")" ] && break
            sleep 0.1
        done
    fi
    rm -f "$dir/dovecot.pid"
    return 0
}

# _imap_watchdog PARENT DIR LIFETIME: runs in its own session (setsid); stops
# the instance when PARENT is gone or LIFETIME seconds have passed.
_imap_watchdog() {
    local parent=$1 dir=$2 life=$3 start now me=$BASHPID
    trap '' HUP INT PIPE
    trap 'exit 0' TERM
    echo "$me" > "$dir/watchdog.pid"
    start=$(date +%s)
    while _imap_alive "$parent" && [ "$(cat "$dir/watchdog.pid" 2>/dev/null)" = "$me" ]; do
        if [ "$life" -gt 0 ]; then
            now=$(date +%s)
            if [ $((now - start)) -ge "$life" ]; then
                echo "$(date '+%F %T') lifetime of $life s reached, stopping" ; break
            fi
        fi
        sleep 1 & wait $!
    done
    # imap_stop removes watchdog.pid (and sends TERM); if it no longer names
    # us we were merely released, nothing to do
    if [ "$(cat "$dir/watchdog.pid" 2>/dev/null)" = "$me" ]; then
        echo "$(date '+%F %T') parent $parent gone or lifetime over: stopping dovecot"
        _imap_kill "$dir"
        rm -f "$dir/watchdog.pid"
    fi
}

_imap_write_conf() {
    local dir=$1 base=$2 ps=$3 pp=$4 pst=$5 inst=$6
    local iuser igroup luser chroot_login="" dbg=no strict="" rawlog=""
    local sep=${IMAP_SEPARATOR:-/} loc="maildir:~/Maildir:LAYOUT=fs" prefix=${IMAP_NS_PREFIX:-}
    [ "$sep" = / ] || loc="maildir:~/Maildir"
    if [ "$(id -u)" = 0 ]; then
        iuser=dovecot igroup=dovecot luser=dovenull
    else
        iuser=$(id -un) igroup=$(id -gn) luser=$(id -un)
        chroot_login="  chroot ="
    fi
    if [ "${IMAP_RAWLOG:-0}" = 1 ]; then rawlog="  rawlog_dir = $dir/rawlog"; fi
    [ "${IMAP_DEBUG:-0}" = 1 ] && dbg=yes
    if [ "$pst" != - ]; then
        strict="  inet_listener imap_strict {
    address = 127.0.0.2
    port = $pst
  }"
    fi
    cat > "$dir/dovecot.conf.tmp" <<EOF
# private test instance for certnotice (tests/imap/dovecot.sh) - generated
instance_name = $inst
base_dir = $base
state_dir = $dir/state
log_path = $dir/log/dovecot.log
info_log_path = $dir/log/dovecot.log
debug_log_path = $dir/log/dovecot.log
mail_debug = $dbg
auth_debug = $dbg
auth_verbose = yes
verbose_ssl = $dbg
protocols = imap
listen = 127.0.0.1
shutdown_clients = yes
default_internal_user = $iuser
default_internal_group = $igroup
default_login_user = $luser
first_valid_uid = 1
first_valid_gid = 1
ssl = yes
ssl_cert = <$dir/imap.pem
ssl_key = <$dir/imap.key
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = $loc
mail_fsync = never
namespace inbox {
  inbox = yes
  separator = $sep
  prefix = $prefix
}
passdb {
  driver = passwd-file
  args = $dir/users
}
userdb {
  driver = passwd-file
  args = $dir/users
}
protocol imap {
  mail_max_userip_connections = 100
$rawlog
}
service imap-login {
$chroot_login
  inet_listener imap {
    address = 127.0.0.1
    port = $pp
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $ps
    ssl = yes
  }
$strict
}
# no auth penalty for failed logins (wrong-password tests stay fast)
service anvil {
$chroot_login
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service imap-urlauth-login {
$chroot_login
}
EOF
    mv "$dir/dovecot.conf.tmp" "$dir/dovecot.conf"
}

imap_start() {
    if [ $# -ne 1 ]; then _imap_err "usage: imap_start DIR"; return 2; fi
    if [ -n "${IMAP_DIR:-}" ] && [ -f "$IMAP_DIR/dovecot.pid" ] && imap_running; then
        _imap_err "instance in $IMAP_DIR already running; imap_stop first"; return 2
    fi
    local dir=$1 base ports ps pp pst try inst rc i muid mgid pwfield
    for i in dovecot doveadm python3 openssl setsid ps; do
        command -v "$i" >/dev/null 2>&1 || { _imap_err "$i not found (apt-get install dovecot-imapd python3 openssl)"; return 2; }
    done
    mkdir -p "$dir" || return 2
    dir=$(cd "$dir" && pwd) || return 2
    mkdir -p "$dir/log" "$dir/state" "$dir/mail" || return 2
    # a leftover instance in DIR (e.g. its watchdog is still stopping it)
    if [ -s "$dir/dovecot.pid" ] && [ -n "$(_imap_sessprocs "$(cat "$dir/dovecot.pid")")" ]; then
        echo "# dovecot.sh: stopping leftover instance in $dir" >&2
        rm -f "$dir/watchdog.pid"
        _imap_kill "$dir"
    fi

    # users: the mail user.  root: uid 65534 unless told otherwise
    if [ "$(id -u)" = 0 ]; then
        muid=${IMAP_MAIL_UID:-65534} mgid=${IMAP_MAIL_GID:-65534}
        chmod o+x "$dir"
    else
        muid=$(id -u) mgid=$(id -g)
    fi
    IMAP_USER=certtest
    IMAP_PASS=${IMAP_PASS:-certtest-pw}
    if [ -n "${IMAP_PASS_SCHEME:-}" ]; then
        # -c /dev/null: never read the system config
        pwfield=$(doveadm -c /dev/null pw -s "$IMAP_PASS_SCHEME" -p "$IMAP_PASS") || { _imap_err "doveadm pw failed"; return 1; }
    else
        pwfield="{PLAIN}$IMAP_PASS"
    fi
    mkdir -p "$dir/mail/$IMAP_USER"
    printf '%s:%s:%s:%s::%s::\n' "$IMAP_USER" "$pwfield" "$muid" "$mgid" "$dir/mail/$IMAP_USER" > "$dir/users"
    chmod 644 "$dir/users"
    if [ "${IMAP_RAWLOG:-0}" = 1 ]; then mkdir -p "$dir/rawlog"; fi
    if [ "$(id -u)" = 0 ]; then
        chown -R "$muid:$mgid" "$dir/mail"
        [ -d "$dir/rawlog" ] && chown "$muid:$mgid" "$dir/rawlog"
        if command -v setpriv >/dev/null 2>&1 &&
           ! setpriv --reuid="$muid" --regid="$mgid" --clear-groups test -w "$dir/mail/$IMAP_USER" 2>/dev/null; then
            _imap_err "uid $muid cannot reach $dir/mail: a parent of $dir is not o+x (e.g. mktemp -d makes 0700 dirs: chmod 711 it)"; return 1
        fi
    fi

    # certificates (kept across restarts)
    if [ ! -s "$dir/imap.pem" ] || [ ! -s "$dir/ca.pem" ]; then
        printf '%s\n' "${IMAP_CERT_SPEC:-imap now-1d now+365d imap.test,localhost,IP:127.0.0.1,IP:127.0.0.2}" > "$dir/certs.spec"
        if ! "$_IMAP_HERE/../tls/mkcerts.sh" "$dir" "$dir/certs.spec" > "$dir/log/mkcerts.log" 2>&1; then
            _imap_err "mkcerts.sh failed:"; cat "$dir/log/mkcerts.log" >&2; return 1
        fi
    fi

    # base_dir: unix socket paths must stay < 108 bytes
    if [ -f "$dir/base_dir" ]; then
        base=$(cat "$dir/base_dir")
        mkdir -p "$base"
    elif [ ${#dir} -le 60 ]; then
        base=$dir/run
    else
        base=$(mktemp -d "${TMPDIR:-/tmp}/cn-imap.XXXXXX") || return 1
        [ ${#base} -le 60 ] || { rm -rf "$base"; base=$(mktemp -d /tmp/cn-imap.XXXXXX) || return 1; }
        echo "$base" > "$dir/base_dir"
    fi
    chmod 755 "$base" 2>/dev/null || true

    if [ -f "$dir/instance" ]; then inst=$(cat "$dir/instance"); else
        inst="cn-imap-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"; echo "$inst" > "$dir/instance"
    fi

    rc=1
    for try in 1 2 3 4 5 6 7 8; do
        if [ -s "$dir/ports" ] && [ "$try" -le 5 ]; then
            # restart: same ports (a TIME_WAIT or slow release can make the
            # first tries fail; only then new ports)
            ps=$(awk '$1 == "imaps" { print $2 }' "$dir/ports")
            pp=$(awk '$1 == "imap" { print $2 }' "$dir/ports")
            pst=$(awk '$1 == "imap_strict" { print $2 }' "$dir/ports"); pst=${pst:--}
        else
            ports=$(_imap_free_ports) || { _imap_err "python3 port picking failed"; return 1; }
            read -r ps pp pst <<<"$ports"
        fi
        _imap_write_conf "$dir" "$base" "$ps" "$pp" "$pst" "$inst"
        : > "$dir/log/start.log"
        if dovecot -c "$dir/dovecot.conf" </dev/null >>"$dir/log/start.log" 2>&1; then
            rc=0; break
        fi
        if grep -q 'Address already in use' "$dir/log/start.log" "$dir/log/dovecot.log" 2>/dev/null; then
            echo "# dovecot.sh: port race (try $try), retrying" >&2
            [ -s "$dir/ports" ] && [ "$try" -le 5 ] && sleep 0.5
            [ "$try" -ge 5 ] && rm -f "$dir/ports"
            continue
        fi
        break
    done
    if [ $rc != 0 ]; then
        _imap_err "dovecot failed to start:"; cat "$dir/log/start.log" >&2
        tail -n 5 "$dir/log/dovecot.log" >&2 2>/dev/null; return 1
    fi
    for i in $(seq 100); do
        [ -s "$base/master.pid" ] && break; sleep 0.05
    done
    cat "$base/master.pid" > "$dir/dovecot.pid" 2>/dev/null || { _imap_err "no master.pid"; _imap_kill "$dir"; return 1; }
    {
        echo "imaps $ps"; echo "imap $pp"
        [ "$pst" != - ] && echo "imap_strict $pst"
    } > "$dir/ports.tmp"
    mv "$dir/ports.tmp" "$dir/ports"

    export IMAP_DIR=$dir IMAP_CONF=$dir/dovecot.conf IMAP_HOST=127.0.0.1
    export IMAPS_PORT=$ps IMAP_PORT=$pp IMAP_STRICT_ADDR=127.0.0.2
    if [ "$pst" != - ]; then export IMAP_STRICT_PORT=$pst; else export IMAP_STRICT_PORT=; fi
    export IMAP_USER IMAP_PASS IMAP_CACERT=$dir/ca.pem IMAP_PORTFILE=$dir/ports
    export IMAP_MAILDIR=$dir/mail/$IMAP_USER/Maildir

    # listeners are bound by the master before `dovecot` returns; still, wait
    # until a TCP connect works (max 10 s; the plain port only: a bare TCP
    # probe of the imaps port logs an SSL error)
    for i in $(seq 200); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$pp") 2>/dev/null; then break; fi
        sleep 0.05
    done

    # watchdog: own session, stdio away from the test's pipes, and not a
    # child of the test shell (double fork), so a bare `wait` in the test
    # does not wait for it
    local parent=${IMAP_WATCH_PID:-$BASHPID}
    rm -f "$dir/watchdog.pid"
    ( setsid bash -c '. "$1" && _imap_watchdog "$2" "$3" "$4"' _imap_watchdog \
        "$_IMAP_HERE/dovecot.sh" "$parent" "$dir" "${IMAP_LIFETIME:-900}" \
        </dev/null >>"$dir/log/watchdog.log" 2>&1 & )
    for i in $(seq 100); do [ -s "$dir/watchdog.pid" ] && break; sleep 0.02; done
    # make sure the mailbox exists with its UIDVALIDITY before tests look at it
    imap_doveadm mailbox status -u "$IMAP_USER" messages INBOX >/dev/null 2>&1 || true
    return 0
}

imap_running() {
    local p
    [ -n "${IMAP_DIR:-}" ] && [ -f "$IMAP_DIR/dovecot.pid" ] || return 1
    p=$(cat "$IMAP_DIR/dovecot.pid") && [ -n "$(_imap_sessprocs "$p" | grep -x "$p")" ]
}

imap_stop() {
    [ -n "${IMAP_DIR:-}" ] || return 0
    local w="" i
    if [ -f "$IMAP_DIR/watchdog.pid" ]; then
        w=$(cat "$IMAP_DIR/watchdog.pid" 2>/dev/null || true)
        rm -f "$IMAP_DIR/watchdog.pid"
        # only our watchdog: check its command line
        if [ -n "$w" ] && _imap_alive "$w" && tr '\0' ' ' < "/proc/$w/cmdline" 2>/dev/null | grep -q _imap_watchdog; then
            kill -TERM "$w" 2>/dev/null || true
            for i in $(seq 50); do _imap_alive "$w" || break; sleep 0.05; done
        fi
    fi
    _imap_kill "$IMAP_DIR"
    return 0
}

imap_restart() {
    [ -n "${IMAP_DIR:-}" ] || { _imap_err "imap_restart: nothing started"; return 2; }
    local d=$IMAP_DIR
    imap_stop
    imap_start "$d"
}

imap_doveadm() {
    doveadm -c "${IMAP_CONF:?dovecot.sh: imap_start first}" "$@"
}

imap_mkdir() {
    [ $# -eq 1 ] || { _imap_err "usage: imap_mkdir MAILBOX"; return 2; }
    imap_doveadm mailbox status -u "$IMAP_USER" messages "$1" >/dev/null 2>&1 && return 0
    imap_doveadm mailbox create -u "$IMAP_USER" "$1" 2>/dev/null ||
        imap_doveadm mailbox status -u "$IMAP_USER" messages "$1" >/dev/null
}

_imap_status() {   # _imap_status FIELD MAILBOX
    imap_doveadm -f flow mailbox status -u "$IMAP_USER" "$1" "$2" | sed -n "s/.*$1=\([0-9]*\).*/\1/p"
}

imap_uidvalidity() { _imap_status uidvalidity "$1"; }

imap_deliver() {
    if [ $# -lt 2 ] || [ $# -gt 3 ]; then _imap_err "usage: imap_deliver MAILBOX FILE [FLAGS]"; return 2; fi
    local box=$1 file=$2 flags=${3:-} uid
    [ -r "$file" ] || { _imap_err "imap_deliver: cannot read $file"; return 2; }
    if ! imap_doveadm save -u "$IMAP_USER" -m "$box" < "$file" 2>/dev/null; then
        imap_mkdir "$box" || return 1
        imap_doveadm save -u "$IMAP_USER" -m "$box" < "$file" || { _imap_err "doveadm save failed"; return 1; }
    fi
    # the new message has the highest UID ("*")
    uid=$(imap_doveadm search -u "$IMAP_USER" mailbox "$box" all | awk 'END { print $2 }')
    [ -n "$uid" ] || { _imap_err "imap_deliver: saved message not found"; return 1; }
    if [ -n "$flags" ]; then
        # shellcheck disable=SC2086
        imap_doveadm flags add -u "$IMAP_USER" "$flags" mailbox "$box" uid "$uid" || return 1
    fi
    echo "$uid"
}

imap_deliver_many() {
    [ $# -ge 2 ] || { _imap_err "usage: imap_deliver_many MAILBOX FILE..."; return 2; }
    local box=$1 src sub next last own
    shift
    imap_mkdir "$box" || return 1
    next=$(_imap_status uidnext "$box") || return 1
    src=$(mktemp -d "$IMAP_DIR/import.XXXXXX") || return 1
    # source: a LAYOUT=fs maildir holding one folder named like the target
    # (INBOX = the maildir root), so that dest_parent "" maps it onto MAILBOX
    if [ "$box" = INBOX ]; then sub=$src; else sub=$src/$box; fi
    mkdir -p "$sub/new" "$sub/cur" "$sub/tmp"
    # one python3 for all copies (10,000 cp forks take ~10 s); names sort in
    # argument order, and Dovecot numbers new maildir files by name
    if ! python3 -c '
import shutil, sys
d = sys.argv[1]
for i, f in enumerate(sys.argv[2:], 1):
    shutil.copyfile(f, "%s/1000000000.M%07dP1.import:2," % (d, i))
' "$sub/cur" "$@"; then
        _imap_err "imap_deliver_many: copying the messages failed"; rm -rf "$src"; return 1
    fi
    own=$(awk -F: -v u="$IMAP_USER" '$1 == u { print $3 ":" $4 }' "$IMAP_DIR/users")
    [ "$(id -u)" = 0 ] && chown -R "$own" "$src"
    if ! imap_doveadm import -u "$IMAP_USER" "maildir:$src:LAYOUT=fs" "" mailbox "$box" >"$IMAP_DIR/log/import.log" 2>&1; then
        _imap_err "doveadm import failed:"; cat "$IMAP_DIR/log/import.log" >&2; rm -rf "$src"; return 1
    fi
    rm -rf "$src"
    last=$(( $(_imap_status uidnext "$box") - 1 ))
    echo "$next:$last"
}

imap_uidvalidity_bump() {
    local box="" keep=0 rev=0 a old new tmp uids u
    for a in "$@"; do
        case $a in
            --keep-uids) keep=1 ;;
            --reverse) rev=1 ;;
            -*) _imap_err "imap_uidvalidity_bump: unknown option $a"; return 2 ;;
            *) box=$a ;;
        esac
    done
    [ -n "$box" ] || { _imap_err "usage: imap_uidvalidity_bump MAILBOX [--keep-uids] [--reverse]"; return 2; }
    old=$(imap_uidvalidity "$box") || return 1
    [ -n "$old" ] || { _imap_err "no mailbox $box"; return 1; }
    if [ $keep = 0 ]; then
        tmp=".uvbump-$$"
        imap_doveadm mailbox create -u "$IMAP_USER" "$tmp" || return 1
        imap_doveadm move -u "$IMAP_USER" "$tmp" mailbox "$box" all || return 1
        if [ "$box" = INBOX ]; then
            # INBOX cannot be deleted: drop its (now empty) uidlist and index,
            # Dovecot then rebuilds it with a new UIDVALIDITY and UIDs from 1
            rm -f "$IMAP_MAILDIR/dovecot-uidlist" "$IMAP_MAILDIR"/dovecot.index "$IMAP_MAILDIR"/dovecot.index.log \
                  "$IMAP_MAILDIR"/dovecot.index.log.2 "$IMAP_MAILDIR"/dovecot.index.cache
        else
            imap_doveadm mailbox delete -u "$IMAP_USER" "$box" || return 1
            imap_doveadm mailbox create -u "$IMAP_USER" "$box" || return 1
        fi
        uids=$(imap_doveadm search -u "$IMAP_USER" mailbox "$tmp" all | awk '{ print $2 }')
        if [ $rev = 1 ]; then uids=$(printf '%s\n' $uids | sort -rn); fi
        if [ -n "$uids" ]; then
            if [ $rev = 1 ]; then
                for u in $uids; do
                    imap_doveadm move -u "$IMAP_USER" "$box" mailbox "$tmp" uid "$u" || return 1
                done
            else
                imap_doveadm move -u "$IMAP_USER" "$box" mailbox "$tmp" all || return 1
            fi
        fi
        imap_doveadm mailbox delete -u "$IMAP_USER" "$tmp" || return 1
    fi
    new=$(imap_uidvalidity "$box") || return 1
    if [ "$new" -le "$old" ]; then
        # RFC 3501: a new UIDVALIDITY must be greater than the old one
        new=$((old + 1))
        imap_doveadm mailbox update -u "$IMAP_USER" --uid-validity "$new" "$box" || return 1
        new=$(imap_uidvalidity "$box")
    fi
    echo "$new"
}

imapc() {
    python3 "$_IMAP_HERE/imapc.py" "$@"
}
imap_fetch_flags() {
    [ $# -eq 2 ] || { _imap_err "usage: imap_fetch_flags MAILBOX UID"; return 2; }
    imapc flags "$1" "$2"
}
imap_list_mailbox() {
    [ $# -eq 1 ] || { _imap_err "usage: imap_list_mailbox MAILBOX"; return 2; }
    imapc list "$1"
}
imap_count() { imapc count "$1"; }
imap_folders() { imapc folders; }
