#!/usr/bin/env bash
# imap.sh — `certnotice imap` against a real Dovecot on loopback (TAP).
set -u
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
CN=${CERTNOTICE:-$SRCDIR/build/src/certnotice}
. "$SRCDIR/tests/tap.sh"
S=$SRCDIR/samples
R=$SRCDIR/rules
T=$(mktemp -d)
chmod 755 "$T"   # the mail user must reach the Dovecot dir below it
cleanup() { [ -n "${POLLER:-}" ] && kill -9 "$POLLER" 2>/dev/null; imap_stop >/dev/null 2>&1; rm -rf "$T"; }
trap cleanup EXIT
export NO_COLOR= XDG_CONFIG_HOME=$T/config XDG_STATE_HOME=$T/state HOME=$T
san_setup "$T"

if ! command -v dovecot >/dev/null; then
	echo "1..0 # SKIP dovecot is not installed"
	exit 0
fi
. "$SRCDIR/tests/imap/dovecot.sh"
imap_start "$T/dovecot" >/dev/null || { echo "Bail out! Dovecot did not start"; exit 1; }

printf '#!/bin/sh\nprintf "%%s\\n" "%s"\n' "$IMAP_PASS" > "$T/pw"
chmod +x "$T/pw"
mkdir -p "$T/config/certnotice"
CONF=$T/config/certnotice/config
cat > "$CONF" <<EOF
[action unverified]
keyword = \$CertUnverified
command = sh -c "cat >> $T/hook.jsonl"

[action suspicious]
keyword = \$CertSuspicious
move = Certnotice/suspicious
EOF
URL="imaps://127.0.0.1:$IMAPS_PORT/INBOX"
POLL=("$CN" imap --rules "$R" --no-verify --url "$URL" --user "$IMAP_USER" --password-command "$T/pw"
	--imap-cacert "$IMAP_CACERT" --state "$T/state.ini" --format json)
poll() { out=$(CERTNOTICE_IMAP_STATS=1 "${POLL[@]}" --once "$@" 2>"$T/err"); rc=$?; err=$(cat "$T/err"); }
ids() { printf '%s\n' "$out" | grep . | jfield message_id | sort | tr '\n' ' '; }

# ---- first poll ----
u1=$(imap_deliver INBOX "$S/sakura/renewal-failed-iso2022jp.eml")
u2=$(imap_deliver INBOX "$S/negative/english-unrelated.eml")
u3=$(imap_deliver INBOX "$S/phishing/sakura-ne-jp-sender.eml")
u4=$(imap_deliver INBOX "$S/negative/sakura-ssl-issued.eml")
u5=$(imap_deliver INBOX "$S/conoha/renewal-failed-20d-iso2022jp.eml" '\Seen')
poll
is "$rc" 1 "first poll: a suspicious notice makes --once exit 1"
is "$(printf '%s\n' "$out" | grep -c .)" 3 "first poll reports the three notices"
is "$(printf '%s\n' "$out" | jfield verdict | sort | tr '\n' ' ')" "suspicious unverified unverified " "… with their verdicts"
like "$(printf '%s\n' "$out" | sed -n 1p | jfield source)" "^imaps://127\.0\.0\.1/INBOX;UIDVALIDITY=[0-9]+/;UID=$u1\$" "JSON source names the mailbox and UID"
like "$err" "poll: 5 headers, [0-9]+ whole messages" "headers of all new messages were fetched"
unlike "$err" "poll: 5 headers, 5 whole" "… but not every message whole"
like "$err" "INBOX UID $u1: sakura renewal-failed example\.com → unverified, keyword \\\$CertUnverified" "one log line per handled message"
is "$(imap_fetch_flags INBOX "$u1")" '$CertUnverified' "keyword set, visible from another client, and \\Seen untouched"
is "$(imap_fetch_flags INBOX "$u2")" "" "other mail: flags untouched"
is "$(imap_fetch_flags INBOX "$u4")" "" "a fetched candidate that is not a notice: flags untouched"
is "$(imap_fetch_flags INBOX "$u5")" '$CertUnverified \Seen' "a message already \\Seen keeps it"
is "$(imap_count Certnotice/suspicious)/$(imap_count INBOX)" "1/4" "the suspicious mail was moved to its folder"
is "$(grep -c . "$T/hook.jsonl")" 2 "the hook got one JSON document per unverified notice on stdin"
is "$(jfield domain < "$T/hook.jsonl" | tr '\n' ' ')" "example.com example.blog " "… with the results"
unlike "$err$out" "$IMAP_PASS" "the password appears in no output or log"

# ---- second poll: nothing new ----
poll
is "$rc/$(printf '%s' "$out" | grep -c .)" "0/0" "second poll: nothing reported"
like "$err" "poll: 0 headers, 0 whole messages, 0 bytes" "… and nothing fetched"

# ---- new mail is picked up alone ----
u6=$(imap_deliver INBOX "$S/sakura/expiry-15d-idn.eml")
poll
is "$(printf '%s\n' "$out" | jfield domain)" "xn--r8jz45g.jp" "a new notice is picked up alone"
like "$err" "poll: 1 headers" "… fetching only the new message"

# ---- --dry-run ----
u7=$(imap_deliver INBOX "$S/sakura/renewal-failed-crlf.eml")
poll --dry-run
like "$err" "UID $u7: .*keyword \\\$CertUnverified.*\(dry run\)" "--dry-run says what it would do"
is "$(imap_fetch_flags INBOX "$u7")" "" "… and does not do it"
poll
is "$(printf '%s\n' "$out" | jfield uid)" "$u7" "after a dry run the message is still new"

# ---- webhook: the JSON is POSTed; a failing webhook means "try again" ----
python3 - "$T/hooksrv" <<'PY' &
import sys, os, http.server, threading
d = sys.argv[1]
os.makedirs(d, exist_ok=True)
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        fail = os.path.exists(os.path.join(d, "fail"))
        with open(os.path.join(d, "posts"), "ab") as f:
            f.write(self.headers.get("Content-Type", "").encode() + b" " + body + b"\n")
        self.send_response(500 if fail else 204)
        self.end_headers()
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(os.path.join(d, "port.tmp"), "w").write(str(s.server_address[1]))
os.rename(os.path.join(d, "port.tmp"), os.path.join(d, "port"))
threading.Timer(120, s.shutdown).start()
s.serve_forever()
PY
HOOKSRV=$!
for i in $(seq 1 50); do [ -f "$T/hooksrv/port" ] && break; sleep 0.1; done
cp "$CONF" "$CONF.saved"
printf '[action unverified]\nwebhook = http://127.0.0.1:%s/hook\n' "$(cat "$T/hooksrv/port")" > "$CONF"
touch "$T/hooksrv/fail"
w1=$(imap_deliver INBOX "$S/sakura/renewal-failed-sjis-cp932-chars.eml")
poll
like "$err" "UID $w1: webhook .*500" "a webhook that fails is reported"
is "$(printf '%s' "$out" | grep -c .)" 0 "… and the message is not marked done"
rm "$T/hooksrv/fail"
poll
is "$(printf '%s\n' "$out" | jfield uid)" "$w1" "the next poll tries it again and succeeds"
like "$(tail -1 "$T/hooksrv/posts")" '^application/json \{"source":"imaps://' "the webhook got the JSON"
kill $HOOKSRV 2>/dev/null
mv "$CONF.saved" "$CONF"

# ---- UIDVALIDITY change: rescan, nothing notified twice ----
imap_uidvalidity_bump INBOX >/dev/null
u8=$(imap_deliver INBOX "$S/conoha/expiry-10d-iso2022jp-python.eml")
poll
like "$err" "UIDVALIDITY changed" "a UIDVALIDITY change is noticed"
is "$(ids)" "$(jfield message_id < "$S/conoha/expiry-10d-iso2022jp-python.json") " "… the mailbox is rescanned and only the new notice is reported"
like "$err" "already reported" "… notices already reported are skipped"

# ---- netrc instead of a password command; STARTTLS; plaintext only with the flag ----
printf 'machine 127.0.0.1 login %s password %s\n' "$IMAP_USER" "$IMAP_PASS" > "$T/.netrc"
chmod 600 "$T/.netrc"
n=$("$CN" imap --rules "$R" --no-verify --once --url "$URL" --imap-cacert "$IMAP_CACERT" --state "$T/s2" --dry-run 2>"$T/err" | grep -c 'verdict   UNVERIFIED')
is "$n" 6 "netrc supplies the password (a fresh state reports the 6 notices in INBOX)"
n=$("$CN" imap --rules "$R" --no-verify --once --url "imap://127.0.0.1:$IMAP_PORT/INBOX" --imap-cacert "$IMAP_CACERT" --user "$IMAP_USER" --password-command "$T/pw" --state "$T/s3" --dry-run 2>"$T/err" | grep -c 'verdict   UNVERIFIED')
is "$n" 6 "imap:// works with STARTTLS (enforced)"
n=$("$CN" imap --rules "$R" --no-verify --once --url "imap://127.0.0.1:$IMAP_PORT/INBOX" --allow-plaintext --user "$IMAP_USER" --password-command "$T/pw" --state "$T/s4" --dry-run 2>"$T/err" | grep -c 'verdict   UNVERIFIED')
is "$n" 6 "imap:// without TLS works with --allow-plaintext"
if [ -n "${IMAP_STRICT_PORT:-}" ]; then
	# 127.0.0.2 refuses a login before STARTTLS: the default really uses TLS,
	# and --allow-plaintext really does not
	n=$("$CN" imap --rules "$R" --no-verify --once --url "imap://127.0.0.2:$IMAP_STRICT_PORT/INBOX" --imap-cacert "$IMAP_CACERT" --user "$IMAP_USER" --password-command "$T/pw" --state "$T/s3b" --dry-run 2>"$T/err" | grep -c 'verdict   UNVERIFIED')
	is "$n" 6 "imap:// to a server that refuses plaintext: STARTTLS is used"
	"$CN" imap --rules "$R" --no-verify --once --url "imap://127.0.0.2:$IMAP_STRICT_PORT/INBOX" --allow-plaintext --user "$IMAP_USER" --password-command "$T/pw" --state "$T/s3c" --dry-run >/dev/null 2>"$T/err"
	is "$?" 75 "… and --allow-plaintext there is refused by the server (so it really was plaintext)"
else
	skip "STARTTLS on a strict server" "127.0.0.2 is not bindable here"
	skip "plaintext on a strict server" "127.0.0.2 is not bindable here"
fi
"$CN" imap --rules "$R" --no-verify --once --url "imaps://127.0.0.1:$IMAPS_PORT/INBOX" --state "$T/s5" >/dev/null 2>"$T/err"
is "$?" 75 "an untrusted server certificate: no connection, exit 75"
like "$(cat "$T/err")" "certificate" "… and the log says why"
rm -f "$T/.netrc"
printf '#!/bin/sh\necho wrong\n' > "$T/badpw"; chmod +x "$T/badpw"
"$CN" imap --rules "$R" --no-verify --once --url "$URL" --user "$IMAP_USER" --password-command "$T/badpw" --imap-cacert "$IMAP_CACERT" --state "$T/s6" >/dev/null 2>"$T/err"
is "$?" 75 "a wrong password: exit 75"
"$CN" imap --rules "$R" --once --url "ftp://x/" --state "$T/s7" 2>/dev/null
is "$?" 64 "a bad --url exits 64"

# ---- Dovecot restarted mid-poll: the poller reconnects ----
"${POLL[@]}" --interval 1 > "$T/loop.out" 2> "$T/loop.err" &
POLLER=$!
sleep 1.5
imap_restart >/dev/null
u9=$(imap_deliver INBOX "$S/sakura/expiry-15d-multipart-alternative.eml")
for i in $(seq 1 40); do grep -q "UID $u9:" "$T/loop.err" && break; sleep 0.25; done
like "$(cat "$T/loop.err")" "UID $u9: sakura expiry-warning example\.jp" "after Dovecot restarts, the poller reconnects and picks up new mail"

# ---- SIGTERM finishes cleanly; SIGHUP reloads ----
kill -HUP $POLLER
sleep 0.5
kill -TERM $POLLER
wait $POLLER; rc=$?
POLLER=
is "$rc" 0 "SIGTERM: clean exit"
like "$(cat "$T/loop.err")" "SIGHUP: config .* and rules reloaded" "SIGHUP reloads config and rules"
is "$(grep -c "UID $u9:" "$T/loop.err")" 1 "the polling loop reported the new notice once"

# ---- SIGKILL mid-poll: at most a repeat, never a loss ----
cat > "$CONF" <<EOF
[action unverified]
command = sh -c "cat >> $T/slow.jsonl; sleep 1"
EOF
k1=$(imap_deliver INBOX "$S/sakura/expiry-15d-html-only.eml")
k2=$(imap_deliver INBOX "$S/sakura/renewal-failed-utf8-base64.eml")
k3=$(imap_deliver INBOX "$S/sakura/renewal-failed-eucjp-noprefix.eml")
"${POLL[@]}" --once > "$T/k.out" 2> "$T/k.err" &
POLLER=$!
for i in $(seq 1 60); do [ "$(cat "$T/slow.jsonl" 2>/dev/null | grep -c .)" -ge 2 ] && break; sleep 0.1; done
kill -9 $POLLER; wait $POLLER 2>/dev/null
POLLER=
"${POLL[@]}" --once > "$T/k2.out" 2> "$T/k2.err"
want="$(for u in $k1 $k2 $k3; do echo "$u"; done | sort -n | tr '\n' ' ')"
is "$(cat "$T/k.out" "$T/k2.out" | jfield uid | sort -nu | tr '\n' ' ')" "$want" "killed with SIGKILL and restarted: every notice is reported"
is "$(cat "$T/k2.out" | jfield uid | grep -c "^$k1\$")" 0 "… the one finished before the kill is not reported again"
is "$(jfield uid < "$T/slow.jsonl" | sort -n | uniq -d | grep -vc "^$k2\$")" 0 "… at most the one in progress ran its action twice"

# ---- Dovecot restarted in the middle of a poll ----
cat > "$CONF" <<EOF
[action unverified]
command = sh -c "cat >> $T/mid.jsonl; sleep 1"
move = Certnotice/handled
EOF
m1=$(imap_deliver INBOX "$S/conoha/renewal-failed-20d-html-only.eml")
m2=$(imap_deliver INBOX "$S/conoha/renewal-failed-20d-multipart-eucjp.eml")
m3=$(imap_deliver INBOX "$S/conoha/subdomain-sender-raw-utf8.eml")
"${POLL[@]}" --interval 1 > "$T/mid.out" 2> "$T/mid.err" &
POLLER=$!
for i in $(seq 1 60); do [ -s "$T/mid.jsonl" ] && break; sleep 0.1; done
imap_restart >/dev/null    # while the first message's hook runs
for i in $(seq 1 80); do [ "$(jfield uid < "$T/mid.out" 2>/dev/null | sort -u | grep -c .)" -ge 3 ] && break; sleep 0.25; done
kill -TERM $POLLER; wait $POLLER
POLLER=
is "$(jfield uid < "$T/mid.out" | sort -nu | tr '\n' ' ')" "$m1 $m2 $m3 " "Dovecot restarted mid-poll: every notice is still handled"
like "$(cat "$T/mid.err")" "closed the connection|BYE|Connection|no answer" "… the dropped connection was noticed and retried"
is "$(jfield uid < "$T/mid.out" | sort -n | uniq -d | grep -c .)" 0 "… and none was reported twice"
is "$(imap_count Certnotice/handled)" 3 "… and all three were moved"

san_check
done_testing
