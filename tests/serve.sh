#!/usr/bin/env bash
# serve.sh — the judge, `certnotice serve` (src/judge.h, src/cmd-serve.c) (TAP).
# A real judge on a socket in a directory of the test's own, and the real
# filter asking it:
#   - every sample gives byte for byte what the filter gives without a
#     judge (headers, body, exit status), and the judge took each notice;
#   - a live check through the judge (loopback TLS server, --connect-to);
#   - the notice is recorded in the ledger (after the mail went on);
#   - a judge that refuses (another environment), a judge of another user,
#     a dead judge's socket: the filter judges the mail itself, same result;
#   - a stranger's connection gets no answer; a socket directory others may
#     write into, a second judge on the same socket: refused at start;
#   - changed rules are noticed (worker loads its own, the server reloads),
#     SIGHUP reloads, SIGTERM removes the socket and exits 0.
set -u
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
CN=${CERTNOTICE:-$SRCDIR/build/src/certnotice}
. "$SRCDIR/tests/tap.sh"
. "$SRCDIR/tests/tls/harness.sh"
S=$SRCDIR/samples
T=$(mktemp -d)
JPID=
stop_judge() { [ -n "$JPID" ] && kill "$JPID" 2>/dev/null && wait "$JPID" 2>/dev/null; JPID=; }
trap 'stop_judge; tls_stop 2>/dev/null; rm -rf "$T"' EXIT
mkdir -p "$T/rules" "$T/run" "$T/none"
chmod 700 "$T/run"
cp "$SRCDIR"/rules/*.rules "$SRCDIR"/rules/generic.detector "$T/rules/"
R=$T/rules
export NO_COLOR= XDG_CONFIG_HOME=$T/config XDG_CACHE_HOME=$T/cache XDG_STATE_HOME=$T/state HOME=$T
export XDG_RUNTIME_DIR=$T/run
san_setup "$T"
CORPUS=${CORPUS_DIR:-$SRCDIR/../shared/corpus}
SOCK=$T/run/certnotice/judge.sock
NOTICE=$S/sakura/renewal-failed-iso2022jp.eml
F=(filter --rules "$R" --no-verify --now 2026-06-01)
taken() { grep -c 'took a mail' "$T/judge.log"; }
# wait_for CMD…: until CMD succeeds, at most 5 s
wait_for() { for _ in $(seq 100); do "$@" && return 0; sleep 0.05; done; return 1; }
# took BEFORE: how many mails the judge took since BEFORE, once its log
# says (the server writes it when it reads the worker's word: a moment
# after the mail went on); 0 after half a second of nothing
took() { local n; for _ in $(seq 10); do n=$(( $(taken) - $1 )); [ "$n" -gt 0 ] && break; sleep 0.05; done; echo "$n"; }

# start_judge ARGS…: a judge in the background, its stderr in judge.log;
# waits for its socket
start_judge() {
	local started; started=$(grep -c 'judging on' "$T/judge.log")
	"$CN" serve -v --rules "$R" "$@" 2>> "$T/judge.log" &
	JPID=$!
	for _ in $(seq 200); do
		[ "$(grep -c 'judging on' "$T/judge.log")" -gt "$started" ] && [ -S "$SOCK" ] && return 0
		kill -0 "$JPID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}
: > "$T/judge.log"
ok "the judge starts and listens on \$XDG_RUNTIME_DIR/certnotice/judge.sock" start_judge
is "$(stat -c %a "$SOCK")/$(stat -c %a "$T/run/certnotice")" "700/700" "… a socket only its user may use, in a directory of its own"

# ---- 1. every sample: the same bytes with and without the judge ----
n=0 same=0 notices=0
before=$(taken)
for m in "$S"/*/*.eml; do
	n=$((n + 1))
	XDG_RUNTIME_DIR=$T/none "$CN" "${F[@]}" < "$m" > "$T/alone.out" 2> "$T/alone.err"; ra=$?
	"$CN" "${F[@]}" < "$m" > "$T/judged.out" 2> "$T/judged.err"; rj=$?
	if [ "$ra" = "$rj" ] && cmp -s "$T/alone.out" "$T/judged.out" && cmp -s "$T/alone.err" "$T/judged.err"; then
		same=$((same + 1))
	else
		echo "# differs: $m (exit $ra / $rj)"
		diff <(head -c 3000 "$T/alone.out") <(head -c 3000 "$T/judged.out") | head -10 | sed 's/^/#   /'
		diff "$T/alone.err" "$T/judged.err" | head -5 | sed 's/^/#   /'
	fi
	[ "$(verdict "$T/alone.out")" != none ] && notices=$((notices + 1))
done
is "$same" "$n" "all $n samples: output, stderr and exit status the same with the judge as without"
caught_up() { [ "$(( $(taken) - before ))" -ge "$notices" ]; }
wait_for caught_up
after=$(taken)
ok "… and the judge took the mail the prefilter could not rule out ($((after - before)) of $n; $notices notices)" \
	test "$((after - before))" -ge "$notices" -a "$notices" -gt 50

# the corpus (real-world mail): the same with the judge as without; every
# mail in a plain build, every tenth under the sanitizers (slow starts)
if [ -d "$CORPUS" ]; then
	mail_files "$CORPUS" > "$T/corpus.list"
	step=${CERTNOTICE_SANITIZED:+10}; step=${step:-1}
	i=0 n=0 differ=
	before=$(taken)
	while IFS= read -r -d '' f; do
		i=$((i + 1))
		[ $(( (i - 1) % step )) = 0 ] || continue
		n=$((n + 1))
		XDG_RUNTIME_DIR=$T/none "$CN" "${F[@]}" < "$f" > "$T/c.alone" 2>/dev/null; ra=$?
		"$CN" "${F[@]}" < "$f" > "$T/c.judged" 2>/dev/null; rj=$?
		{ [ "$ra" = "$rj" ] && cmp -s "$T/c.alone" "$T/c.judged"; } || differ="$differ $f ($ra/$rj)"
	done < "$T/corpus.list"
	is "$differ" "" "$n corpus mails: the same with the judge as without ($(took "$before") taken by the judge)"
else
	skip "corpus mails: the same with the judge as without" "no corpus at $CORPUS"
fi

# the real procmail: a notice delivered through the filter, the judge
# judging it, routed by its verdict, the same as without the judge.
# procmail starts its recipes with an environment of its own (HOME from
# the password file, no XDG_ variable): the rc gives the filter the
# judge's, as a user whose judge runs with other directories would
if command -v procmail > /dev/null; then
	for mode in judged alone; do
		mkdir -p "$T/pm/$mode"
		run=$XDG_RUNTIME_DIR; [ "$mode" = alone ] && run=$T/none
		cat > "$T/pm/$mode.rc" <<EOF
SHELL=/bin/sh
HOME=$HOME
XDG_CONFIG_HOME=$XDG_CONFIG_HOME
XDG_CACHE_HOME=$XDG_CACHE_HOME
XDG_STATE_HOME=$XDG_STATE_HOME
XDG_RUNTIME_DIR=$run
LC_ALL=C.UTF-8
$(env | grep -E '^(CERTNOTICE_|ASAN_|UBSAN_|LSAN_)')
MAILDIR=$T/pm/$mode
DEFAULT=$T/pm/$mode/
LOGFILE=$T/pm/$mode.log
:0 fw
| $CN ${F[*]}
:0
* ^X-Certnotice-Verdict: \/[a-z-]+
.\$MATCH/
EOF
	done
	before=$(taken)
	procmail -m "$T/pm/judged.rc" < "$NOTICE"; rj=$?
	n=$(took "$before")
	procmail -m "$T/pm/alone.rc" < "$NOTICE"; ra=$?
	gj=$(find "$T/pm/judged" -type f -path '*/new/*'); ga=$(find "$T/pm/alone" -type f -path '*/new/*')
	is "$rj/$ra/$n/${gj#$T/pm/judged/}" "0/0/1/.unverified/new/${gj##*/}" \
		"procmail: the notice judged by the judge, delivered to its verdict's folder"
	ok "… byte for byte as without the judge" cmp -s "$gj" "$ga"
else
	skip "procmail: the notice judged by the judge" "no procmail"
	skip "… byte for byte as without the judge" "no procmail"
fi

# ---- 2. the ledger: recorded by the judge's worker ----
cases_has() { "$CN" cases --format json 2>/dev/null | grep -q "\"$1\""; }
"$CN" "${F[@]}" < "$NOTICE" > /dev/null
dom=$(XDG_RUNTIME_DIR=$T/none "$CN" parse --rules "$R" --no-verify --now 2026-06-01 --format json "$NOTICE" | jfield domain)
ok "a notice the judge took is in the ledger ($dom)" wait_for cases_has "$dom"

# ---- the filter's stderr and language, mail after mail ----
# A ledger that cannot be written: the worker says so on the filter's
# stderr after the mail went on, in the filter's language (the same worker
# may judge both mails: each takes its filter's environment)
"$CN" "${F[@]}" --db /proc/none/cases.db < "$NOTICE" > /dev/null 2> "$T/db-en.err"
LC_ALL=ja_JP.UTF-8 "$CN" "${F[@]}" --db /proc/none/cases.db < "$NOTICE" > /dev/null 2> "$T/db-ja.err"
"$CN" "${F[@]}" --db /proc/none/cases.db < "$NOTICE" > /dev/null 2> "$T/db-en2.err"
said() { grep -q "$2" "$1"; }
ok "a ledger that cannot be written: the judge says so on the filter's stderr" wait_for said "$T/db-en.err" "not recorded"
if [ -n "$(locale -a 2>/dev/null | grep -ix 'ja_JP\.utf-\?8')" ]; then
	ok "… in Japanese for a filter under a Japanese locale" wait_for said "$T/db-ja.err" "記録"
	ok "… and in English again for the next one" wait_for said "$T/db-en2.err" "not recorded"
else
	skip "… in Japanese for a filter under a Japanese locale" "no ja_JP.UTF-8 locale"
	skip "… and in English again for the next one" "no ja_JP.UTF-8 locale"
fi

# ---- 3. a live check through the judge ----
tls_start "$T/tls" "soon now-75d now+10d soon.test" "soon soon 4 tls
black - 4 blackhole" || echo "# TLS server did not start"
sakura_mails <<EOF
$T/soon.eml fail soon.test 0
$T/black.eml fail black.test 0
EOF
LIVE=(filter --rules "$R" --cacert "$T/tls/ca.pem" --connect-to "$(tls_connect_to soon soon.test)")
before=$(taken)
"$CN" "${LIVE[@]}" < "$T/soon.eml" > "$T/soon.out" 2> "$T/soon.err"
is "$?/$(verdict "$T/soon.out")/$(took "$before")" "0/action-required/1" \
	"live: the judge checks with the filter's --connect-to and --cacert: action-required"
like "$(cat "$T/soon.out")" 'live=expiring; live-days=9' "… with the live days in X-Certnotice"
# a check that never ends: bounded by the filter's budget, and the judge
# goes on
t0=$(date +%s.%N)
"$CN" filter --rules "$R" --timeout 3 --connect-to "$(tls_connect_to black black.test)" < "$T/black.eml" > "$T/black.out" 2> "$T/black.err"; rc=$?
el=$(echo "$(date +%s.%N) - $t0" | bc)
strip_ours "$T/black.out" | cmp -s - "$T/black.eml"
is "$rc/$?/$(verdict "$T/black.out")" "0/0/unverified" "a TLS server that never answers: the mail intact, verdict unverified"
ok "… within the time budget (${el}s for --timeout 3, plus 2 s for start-up)" test "$(echo "$el < 5" | bc)" = 1
before=$(taken)
"$CN" "${LIVE[@]}" < "$T/soon.eml" > "$T/soon2.out" 2>/dev/null
is "$(verdict "$T/soon2.out")/$(took "$before")" "action-required/1" "… and the judge judges the next mail"

# many filters at once: every mail as the filter alone would have it
mkdir "$T/many"
ls "$S"/*/*.eml | head -40 > "$T/many.list"
par() {   # DIR: each mail of many.list through the filter, 20 at once
	mkdir -p "$1"
	xargs -P 20 -I{} sh -c 'f={}; "$0" "$@" < "$f" > "'"$1"'/$(echo "$f" | md5sum | cut -c1-12)" 2>/dev/null' "$CN" "${F[@]}" < "$T/many.list"
}
par "$T/many/judged"
XDG_RUNTIME_DIR=$T/none par "$T/many/alone"
ok "40 mails through 20 filters at once: each the same with the judge as without" diff -r "$T/many/judged" "$T/many/alone"

# a worker that fails after it said it would judge: the mail goes on
# unchanged, as when the filter's own judging child fails (the limit on the
# worker's address space makes parsing a 4 MB mail fail at once; not under
# AddressSanitizer, which reserves terabytes of address space)
if [ -n "${CERTNOTICE_SANITIZED:-}" ]; then
	skip "a worker out of memory" "an address-space limit cannot be set under AddressSanitizer"
	skip "… and stderr says so" "an address-space limit cannot be set under AddressSanitizer"
else
	{ cat "$NOTICE"; for i in $(seq 60000); do printf 'line %05d of a long signature, to make the mail large\n' "$i"; done; } > "$T/big.eml"
	before=$(taken)
	"$CN" "${F[@]}" --max-memory 1000000 < "$T/big.eml" > "$T/oom.out" 2> "$T/oom.err"; rc=$?
	cmp -s "$T/oom.out" "$T/big.eml"
	is "$rc/$?/$(took "$before")" 0/0/1 "a worker out of memory: the mail passes through unchanged"
	like "$(cat "$T/oom.err")" "could not be judged|out of memory|died" "… and stderr says so"
fi

# ---- 4. refused or absent: the filter judges the mail itself ----
mkdir -p "$T/config2"
before=$(taken)
XDG_CONFIG_HOME=$T/config2 "$CN" "${F[@]}" < "$NOTICE" > "$T/env.out" 2> "$T/env.err"; rc=$?
XDG_CONFIG_HOME=$T/config2 XDG_RUNTIME_DIR=$T/none "$CN" "${F[@]}" < "$NOTICE" > "$T/env-alone.out" 2>/dev/null
cmp -s "$T/env.out" "$T/env-alone.out"
is "$rc/$?/$(verdict "$T/env.out")" "0/0/unverified" "a filter whose XDG_CONFIG_HOME is not the judge's: judged by itself, the same"
like "$(cat "$T/env.err")" "the judge at .*judge.sock: its XDG_CONFIG_HOME is not the judge's: judging the mail here" "… and stderr says why"
like "$(cat "$T/judge.log")" "refused: its XDG_CONFIG_HOME is not the judge's" "… and so does the judge's log"

# requests that are not this version's: answered "no", the judge goes on
ask_raw() { python3 - "$SOCK" "$1" <<'EOF'
import socket, sys, array, os
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.settimeout(5)
fds = array.array("i", [0, 2, os.open(".", os.O_RDONLY)])
msg = sys.argv[2].encode().decode("unicode_escape").encode("latin-1")
try:
    s.sendmsg([msg], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds)])
    print(s.recv(200).decode().strip())
except (BrokenPipeError, ConnectionResetError):
    print("(closed)")
EOF
}
like "$(ask_raw 'certnotice-judge 1 0.0.0-other 2\n0\0')" "^no this judge is certnotice .*, the filter 0\.0\.0-other$" \
	"a filter of another version: refused, naming both"
like "$(ask_raw 'GET / HTTP/1.0\r\n\r\n')" "^no a request of another protocol$" "what is no request: refused"
like "$(ask_raw "certnotice-judge 1 $("$CN" version | cut -d' ' -f2) 4\n1\0\0\0\0")" "^no a request of another protocol$" \
	"a request without a command line: refused"
"$CN" "${F[@]}" < "$NOTICE" > "$T/after.out" 2>/dev/null
is "$(verdict "$T/after.out")" unverified "… and the judge judges the next mail"

# a stranger may not talk to the judge (the socket opened to others for the test)
if id nobody > /dev/null 2>&1 && command -v setpriv > /dev/null; then
	chmod 711 "$T" "$T/run" "$T/run/certnotice"; chmod 666 "$SOCK"
	setpriv --reuid=nobody --regid=nogroup --clear-groups python3 - "$SOCK" > "$T/stranger.out" 2>&1 <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.settimeout(5)
try:
    s.sendall(b"certnotice-judge 1 0 2\n0\0")
    answer = s.recv(100)
except (BrokenPipeError, ConnectionResetError):
    answer = b""   # closed before, or with the request unread
print("answer:", repr(answer))
EOF
	chmod 700 "$T" "$T/run" "$T/run/certnotice" "$SOCK"
	is "$(cat "$T/stranger.out")" "answer: b''" "a connection from another user gets no answer"
	like "$(cat "$T/judge.log")" "a connection from uid $(id -u nobody) refused" "… and the judge's log says so"
else
	skip "a connection from another user" "no user nobody or no setpriv"
	skip "… and the judge's log says so" "no user nobody or no setpriv"
fi

# a judge of another user at the socket's place: never asked
if id nobody > /dev/null 2>&1 && command -v setpriv > /dev/null && [ "$(id -u)" = 0 ]; then
	mkdir -p "$T/other/run" "$T/other/home"
	chmod 755 "$T" "$T/rules"; chmod 644 "$T"/rules/*
	chown -R nobody "$T/other"; chmod 700 "$T/other/run"
	HOME=$T/other/home XDG_CONFIG_HOME=$T/other/home XDG_CACHE_HOME=$T/other/home XDG_STATE_HOME=$T/other/home \
	XDG_RUNTIME_DIR=$T/other/run setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$CN" serve --rules "$R" 2> "$T/other.log" &
	OPID=$!
	for _ in $(seq 200); do [ -S "$T/other/run/certnotice/judge.sock" ] && break; sleep 0.05; done
	XDG_RUNTIME_DIR=$T/other/run "$CN" "${F[@]}" < "$NOTICE" > "$T/other.out" 2> "$T/other.err"; rc=$?
	kill "$OPID"; wait "$OPID"; orc=$?
	chmod 700 "$T"
	is "$rc/$(verdict "$T/other.out")" "0/unverified" "a judge of another user: the filter judges the mail itself"
	like "$(cat "$T/other.err")" "runs as uid $(id -u nobody), not as this user: not asked" "… and says why"
	is "$orc/$(test -e "$T/other/run/certnotice/judge.sock" && echo there || echo gone)" "0/gone" \
		"SIGTERM: the judge exits 0 and removes its socket"
else
	skip "a judge of another user" "not root, or no user nobody / setpriv"
	skip "… and says why" "not root, or no user nobody / setpriv"
	skip "SIGTERM: the judge exits 0 and removes its socket" "not root, or no user nobody / setpriv"
fi

# ---- 5. the server's own checks ----
"$CN" serve --rules "$R" 2> "$T/second.err"; rc=$?
is "$rc" 70 "a second judge on the same socket: exit 70"
like "$(cat "$T/second.err")" "another judge listens there" "… saying so"
mkdir -m 777 "$T/open"; chmod 777 "$T/open"
"$CN" serve --rules "$R" --socket "$T/open/j.sock" 2> "$T/open.err"; rc=$?
is "$rc" 78 "a socket directory others may write into: exit 78"
like "$(cat "$T/open.err")" "not the judge's directory" "… saying so"
mkdir -m 700 "$T/filed"; echo precious > "$T/filed/j.sock"
"$CN" serve --rules "$R" --socket "$T/filed/j.sock" 2> "$T/filed.err"; rc=$?
is "$rc/$(cat "$T/filed/j.sock")" "78/precious" "a file that is no socket where the socket goes: left alone, exit 78"
"$CN" serve --rules "$R" --socket rel.sock 2> /dev/null; rc=$?
is "$rc" 64 "a relative --socket: exit 64"
"$CN" serve --rules "$R" --now 2026-01-01 2> "$T/now.err"; rc=$?
is "$rc" 64 "serve --now: an option of filter, refused (exit 64)"
like "$(cat "$T/now.err")" "--now is an option of filter" "… saying so"
printf '[certnotice]\njudge_socket = none\n' > "$T/none.conf"
"$CN" serve --rules "$R" --config "$T/none.conf" 2> "$T/nosock.err"; rc=$?
is "$rc" 78 "judge_socket = none: serve has nothing to listen on (exit 78)"
"$CN" "${F[@]}" --config "$T/none.conf" < "$NOTICE" > "$T/nojudge.out" 2>/dev/null
before=$(taken)
"$CN" "${F[@]}" --config "$T/none.conf" < "$NOTICE" > "$T/nojudge.out" 2>/dev/null
is "$(verdict "$T/nojudge.out")/$(took "$before")" "unverified/0" "… and a filter with that config never asks the judge"

# ---- 6. rules that change under a running judge ----
before=$(taken)
touch -d '2000-01-01' "$R/sakura.rules"
"$CN" "${F[@]}" < "$NOTICE" > "$T/stale.out" 2>/dev/null
XDG_RUNTIME_DIR=$T/none "$CN" "${F[@]}" < "$NOTICE" > "$T/stale-alone.out" 2>/dev/null
cmp -s "$T/stale.out" "$T/stale-alone.out"
is "$?/$(took "$before")" "0/1" "a rule file changed: the judge still judges, as the filter alone would"
ok "… and the server reads the rules again" wait_for grep -q 'read again (the rules or the config changed)' "$T/judge.log"
kill -HUP "$JPID"
ok "SIGHUP: the server reads config and rules again" wait_for grep -q 'read again (SIGHUP)' "$T/judge.log"
before=$(taken)
"$CN" "${F[@]}" < "$NOTICE" > "$T/hup.out" 2>/dev/null
cmp -s "$T/hup.out" "$T/stale-alone.out"
is "$?/$(took "$before")" "0/1" "… and judges as before"

# ---- 7. a judge that is gone ----
kill -9 "$JPID"; wait "$JPID" 2>/dev/null; JPID=
# its spares end with it (they wait for mail only while it lives)
refused() { python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
try: s.connect(sys.argv[1])
except ConnectionRefusedError: sys.exit(0)
sys.exit(1)' "$SOCK"; }
ok "a judge killed: its spares end too, nothing listens" wait_for refused
ok "… and its socket is left behind" test -S "$SOCK"
"$CN" "${F[@]}" < "$NOTICE" > "$T/dead.out" 2> "$T/dead.err"; rc=$?
cmp -s "$T/dead.out" "$T/stale-alone.out"
is "$rc/$?/$(cat "$T/dead.err")" "0/0/" "a dead judge's socket: the filter judges the mail itself, silently"
ok "a new judge takes the place of the dead one's socket" start_judge
before=$(taken)
"$CN" "${F[@]}" < "$NOTICE" > "$T/again.out" 2>/dev/null
cmp -s "$T/again.out" "$T/stale-alone.out"
is "$?/$(took "$before")" "0/1" "… and judges"
stop_judge
ok "SIGTERM: the socket is gone" test ! -e "$SOCK"

# ---- 8. started by the first mail (socket activation), gone when idle ----
if command -v systemd-socket-activate > /dev/null; then
	# what the user manager does with certnotice-judge.socket: listen, and
	# start the judge on the first connection, the socket passed to it
	# (it passes on only the variables named with -E: all of ours)
	envs=(); for v in $(compgen -e); do envs+=(-E "$v"); done
	: > "$T/act.log"
	systemd-socket-activate "${envs[@]}" -l "$SOCK" "$CN" serve -v --rules "$R" --idle-exit 2 2>> "$T/act.log" &
	APID=$!
	ok "socket activation: the socket listens before any judge runs" wait_for test -S "$SOCK"
	# the first mail starts the judge; it is judged by it or, when the start
	# takes longer than the filter waits, by the filter: the same either way
	"$CN" "${F[@]}" < "$NOTICE" > "$T/act1.out" 2> "$T/act1.err"; rc=$?
	cmp -s "$T/act1.out" "$T/stale-alone.out"
	is "$rc/$?/$(cat "$T/act1.err")" "0/0/" "the first notice starts the judge, and is judged as without one"
	ok "… which serves on the socket it was given" wait_for grep -q "judging on $SOCK" "$T/act.log"
	n=$(grep -c 'took a mail' "$T/act.log")
	"$CN" "${F[@]}" < "$NOTICE" > "$T/act2.out" 2> "$T/act2.err"; rc=$?
	cmp -s "$T/act2.out" "$T/stale-alone.out"
	is "$rc/$?/$(cat "$T/act2.err")" "0/0/" "the next notice: judged the same"
	ok "… by the activated judge" wait_for test "$(grep -c 'took a mail' "$T/act.log")" -gt "$n"
	wait_for grep -q 'no mail for 2 s: stopping' "$T/act.log" || sleep 5
	like "$(cat "$T/act.log")" "no mail for 2 s: stopping" "--idle-exit 2: no mail for 2 s, the judge stops"
	wait "$APID"
	is "$?" 0 "… with exit status 0"
	ok "… and leaves the socket, which is systemd's (it starts the judge again)" test -S "$SOCK"
	rm -f "$SOCK"
else
	for t in "the socket listens before any judge runs" "the first notice starts the judge" "… which serves on the socket it was given" \
		"the next notice: judged the same" "… by the activated judge" "--idle-exit 2: the judge stops" "… with exit status 0" "… and leaves the socket"; do
		skip "socket activation: $t" "no systemd-socket-activate"
	done
fi
# what systemd passes (sd_listen_fds: $LISTEN_PID is the judge, descriptor 3
# on) must be one listening Unix stream socket on a path
activated() { bash -c 'export LISTEN_PID=$$ LISTEN_FDS=$1; shift; exec "$@"' _ "$@"; }
out=$(activated 1 "$CN" serve --rules "$R" 2>&1 3< "$NOTICE"); rc=$?
is "$rc/$out" "78/certnotice: the socket systemd passed is not a Unix stream socket listening on a path" \
	"socket activation with a file for a socket: refused, exit 78"
out=$(activated 2 "$CN" serve --rules "$R" 2>&1 3< "$NOTICE" 4< "$NOTICE"); rc=$?
is "$rc/$out" "78/certnotice: systemd passed 2 sockets: give the judge one" "… with two sockets: refused"
out=$(LISTEN_PID=1 LISTEN_FDS=1 "$CN" serve --rules "$R" --socket "$T/run/other/j.sock" --idle-exit 1 2>&1 3< "$NOTICE"); rc=$?
like "$rc/$out" "^0/.*judging on $T/run/other/j.sock" "… another process's \$LISTEN_PID: not ours, the judge listens itself"
# --idle-exit without activation: the judge removes its socket as on SIGTERM
: > "$T/judge.log"
ok "--idle-exit 1: a judge that listens itself" start_judge --idle-exit 1
ok "… stops after a second without mail" wait_for grep -q 'no mail for 1 s: stopping' "$T/judge.log"
wait "$JPID"; rc=$?; JPID=
is "$rc" 0 "… with exit status 0"
ok "… and removes its socket" test ! -e "$SOCK"
san_check

done_testing
