#!/usr/bin/env bash
# imap.sh — `certnotice imap` against a real Dovecot on loopback (TAP).
# Two server set-ups: the harness default ("/" hierarchy separator, LAYOUT=fs)
# for most checks, then Dovecot's own default ("." separator, Maildir++), also
# with a personal namespace prefix "INBOX.", for mailbox name translation.
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
BASECONF="[imap]
retry_delay = 0
attempts = 3
"
cat > "$CONF" <<EOF
$BASECONF
[action unverified]
keyword = \$CertUnverified
command = sh -c "cat >> $T/hook.jsonl"

[action suspicious]
keyword = \$CertSuspicious
move = Certnotice/suspicious
EOF
URL="imaps://127.0.0.1:$IMAPS_PORT/INBOX"
AUTH=(--user "$IMAP_USER" --password-command "$T/pw" --imap-cacert "$IMAP_CACERT")
POLL=("$CN" imap --rules "$R" --no-verify --url "$URL" "${AUTH[@]}" --state "$T/state.ini" --format json)
poll() { out=$(CERTNOTICE_IMAP_STATS=1 "${POLL[@]}" --once "$@" 2>"$T/err"); rc=$?; err=$(cat "$T/err"); }
ids() { printf '%s\n' "$out" | grep . | jfield message_id | sort | tr '\n' ' '; }
# fresh FILE: a copy of FILE with a Message-ID of its own (a new notice, not
# one "already reported"); prints its path
fresh() {
	local id f
	id=$(date +%s%N)$RANDOM
	f=$T/fresh-$id.eml
	sed -E "s/^(Message-ID:)[^\r]*/\1 <fresh$id@certnotice.test>/I" "$1" > "$f"
	echo "$f"
}
# wait_for FILE ERE [TENTHS]: until FILE has a line matching ERE (default 30 s)
wait_for() {
	local i
	for i in $(seq 1 "${3:-300}"); do grep -Eq -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}

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
like "$(printf '%s\n' "$out" | sed -n 1p | jfield source)" "^imaps://127\.0\.0\.1:$IMAPS_PORT/INBOX;UIDVALIDITY=[0-9]+/;UID=$u1\$" "JSON source names the server with its port, the mailbox and the UID"
like "$err" "poll: 5 headers, [0-9]+ whole messages" "headers of all new messages were fetched"
unlike "$err" "poll: 5 headers, 5 whole" "… but not every message whole"
like "$err" "cli/INBOX UID $u1: sakura renewal-failed example\.com → unverified, keyword \\\$CertUnverified" "one log line per handled message"
is "$(imap_fetch_flags INBOX "$u1")" '$CertUnverified' "keyword set, visible from another client, and \\Seen untouched"
is "$(imap_fetch_flags INBOX "$u2")" "" "other mail: flags untouched"
is "$(imap_fetch_flags INBOX "$u4")" "" "a fetched candidate that is not a notice: flags untouched"
is "$(imap_fetch_flags INBOX "$u5")" '$CertUnverified \Seen' "a message already \\Seen keeps it"
is "$(imap_count Certnotice/suspicious)/$(imap_count INBOX)" "1/4" "the suspicious mail was moved to its folder"
is "$(grep -c . "$T/hook.jsonl")" 2 "the hook got one JSON document per unverified notice on stdin"
is "$(jfield domain < "$T/hook.jsonl" | tr '\n' ' ')" "example.com example.blog " "… with the results"
is "$(jfield imap_account < "$T/hook.jsonl" | sort -u)/$(jfield mailbox < "$T/hook.jsonl" | sort -u)" "cli/INBOX" "… naming the IMAP account (not the hosting account) and the mailbox"
unlike "$err$out" "$IMAP_PASS" "the password appears in no output or log"
unlike "$err" "cli: cli/" "no doubled prefixes in the log"

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

# ---- webhook: the JSON is POSTed; a failing webhook is tried again ----
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
printf '%s\n[action unverified]\nwebhook = http://127.0.0.1:%s/hook\n' "$BASECONF" "$(cat "$T/hooksrv/port")" > "$CONF"
touch "$T/hooksrv/fail"
w1=$(imap_deliver INBOX "$S/sakura/renewal-failed-sjis-cp932-chars.eml")
poll
like "$err" "UID $w1: .*webhook .*500 \(try 1 of 3" "a webhook that fails is reported, with the try"
is "$rc" 75 "… --once exits 75 (something is left to do)"
is "$(printf '%s\n' "$out" | jfield uid)" "$w1" "… the notice is reported (once, when judged)"
rm "$T/hooksrv/fail"
poll
like "$err" "UID $w1: sakura .* → unverified, webhook \(try 2\)" "the next poll tries the webhook again and succeeds"
is "$(printf '%s' "$out" | grep -c .)" 0 "… without reporting the notice twice"
like "$(tail -1 "$T/hooksrv/posts")" '^application/json \{"source":"imaps://' "the webhook got the JSON"
is "$(grep -c . "$T/hooksrv/posts")" 2 "… once failed, once done"
kill $HOOKSRV 2>/dev/null
mv "$CONF.saved" "$CONF"

# ---- a hook that fails once, then succeeds: run exactly twice ----
cat > "$T/once-hook" <<EOF
#!/bin/sh
cat >> "$T/once.jsonl"
[ -e "$T/once.ok" ] && exit 0
touch "$T/once.ok"
exit 3
EOF
chmod +x "$T/once-hook"
printf '%s\n[action unverified]\nkeyword = $CertUnverified\ncommand = %s\n' "$BASECONF" "$T/once-hook" > "$CONF"
f1=$(imap_deliver INBOX "$(fresh "$S/sakura/expiry-15d-html-only.eml")")
poll
like "$err" "UID $f1: .*hook .*exit status 3 \(try 1 of 3" "a failing hook: logged with its exit status and the try"
is "$(imap_fetch_flags INBOX "$f1")" '$CertUnverified' "… the keyword before it was set, and recorded"
poll
like "$err" "UID $f1: sakura .* → unverified, hook [^,]*once-hook \(try 2\)" "the next poll runs the hook again (only the hook: the keyword is recorded done)"
poll
is "$(grep -c . "$T/once.jsonl")" 2 "a hook that failed once ran exactly twice over three polls"
is "$(jfield uid < "$T/once.jsonl" | sort -u)" "$f1" "… both times for that message"

# ---- a poison message: a hook that always fails for it ----
cat > "$T/poison-hook" <<EOF
#!/bin/sh
d=\$(cat)
echo x >> "$T/poison.runs"
case \$d in *'"domain":"example.com"'*) [ -e "$T/cured" ] || { echo "rejecting this one" >&2; exit 3; } ;; esac
printf '%s\n' "\$d" >> "$T/poison.ok"
EOF
chmod +x "$T/poison-hook"
printf '%s\n[action unverified]\ncommand = %s\n' "$BASECONF" "$T/poison-hook" > "$CONF"
p1=$(imap_deliver INBOX "$(fresh "$S/sakura/renewal-failed-iso2022jp.eml")")      # example.com: rejected
p2=$(imap_deliver INBOX "$(fresh "$S/sakura/expiry-15d-multipart-alternative.eml")")
q1=$(imap_deliver Later "$(fresh "$S/conoha/expiry-10d-fullwidth-sjis-qp.eml")")
PPOLL=("$CN" imap --rules "$R" --no-verify --url "imaps://127.0.0.1:$IMAPS_PORT/INBOX,Later" "${AUTH[@]}" --state "$T/state.ini" --format json)
ppoll() { out=$("${PPOLL[@]}" --once "$@" 2>"$T/err"); rc=$?; err=$(cat "$T/err"); }
ppoll
is "$rc" 75 "poison: --once exits 75"
like "$err" "INBOX UID $p1: .*exit status 3 \(try 1 of 3" "… its hook failure is logged"
like "$err" "INBOX UID $p2: .* → unverified, hook" "… a later message in the mailbox is handled in the same poll"
like "$err" "Later UID $q1: .* → unverified, hook" "… and so is a later mailbox"
ppoll
ppoll
like "$err" "INBOX UID $p1: .*exit status 3: given up after 3 tries" "after 3 tries the message is given up, and the log says so"
ppoll
is "$(grep -c . "$T/poison.runs")" 5 "… its hook ran 3 times, the others once each, and never again"
st=$("$CN" imap --rules "$R" --url "$URL" --state "$T/state.ini" --status); rc=$?
is "$rc" 1 "imap --status exits 1 when a message was given up"
like "$st" "UID $p1: FAILED after 3 tries: hook .*exit status 3" "… and lists it, with the error"
like "$st" "sakura renewal-failed example\.com → unverified; Message-ID fresh" "… and what it is"
is "$("$CN" imap --rules "$R" --url "$URL" --state "$T/state.ini" --status --format json | jfield status)" "failed" "--status --format json"
touch "$T/cured"
ppoll --retry-failed
like "$err" "1 failed message will be tried again" "--retry-failed re-arms it"
like "$err" "INBOX UID $p1: .* → unverified, hook" "… and it is handled"
st=$("$CN" imap --rules "$R" --url "$URL" --state "$T/state.ini" --status); rc=$?
is "$rc" 0 "… --status has nothing failed left"

# ---- under a Japanese locale: the log in Japanese, what is kept in English ----
cat > "$T/ja-hook" <<EOF
#!/bin/sh
cat > /dev/null
[ -e "$T/ja.ok" ] || exit 4
EOF
chmod +x "$T/ja-hook"
printf '%s\n[action unverified]\ncommand = %s\n' "$BASECONF" "$T/ja-hook" > "$CONF"
j1=$(imap_deliver INBOX "$(fresh "$S/sakura/expiry-15d-html-only.eml")")
poll_ja() { out=$(LC_ALL=ja_JP.UTF-8 "${POLL[@]}" --once 2>"$T/err"); rc=$?; err=$(cat "$T/err"); }
poll_ja
like "$err" "INBOX UID $j1: sakura [^ ]+ [^ ]+ → 未確認: フック [^ ]*ja-hook: 終了コード 4 \(3 回中 1 回目。0 秒後以降の最初の巡回でもう一度試します\)\$" \
	"LC_ALL=ja_JP.UTF-8: a failed action is logged in Japanese (the verdict, the action's error, the retry)"
like "$(sed -n "/^\[message .* $j1\]/,/^\[/p" "$T/state.ini")" "^error=hook [^ ]*ja-hook: exit status 4\$" \
	"… the state file keeps the error in English"
is "$(LC_ALL=ja_JP.UTF-8 "$CN" imap --rules "$R" --url "$URL" --state "$T/state.ini" --status --format json | jfield error)" \
	"hook $T/ja-hook: exit status 4" "… and so does imap --status --format json"
like "$(LC_ALL=ja_JP.UTF-8 "$CN" imap --rules "$R" --url "$URL" --state "$T/state.ini" --status)" \
	"UID $j1: 3 回中 1 回目まで実行、失敗: hook [^ ]*ja-hook: exit status 4。次は .* 以降の最初の巡回で" \
	"… imap --status: Japanese around the error as it is kept"
touch "$T/ja.ok"
poll_ja
like "$err" "INBOX UID $j1: sakura [^ ]+ [^ ]+ → 未確認、フック [^ ]*ja-hook \(2 回目\)\$" "… the next try, done, logged in Japanese"

# ---- a candidate over the size limit: given up at once, never fetched ----
python3 - "$S/sakura/renewal-failed-iso2022jp.eml" "$T/big.eml" <<'PY'
import sys
src = open(sys.argv[1], "rb").read()
head, _, body = src.partition(b"\n\n")
line = b"x" * 76 + b"\n"
with open(sys.argv[2], "wb") as f:
    f.write(head.replace(b"Message-ID: <", b"Message-ID: <big.") + b"\n\n" + body)
    f.write(line * ((65 << 20) // len(line)))
PY
b1=$(imap_deliver INBOX "$T/big.eml")
rm -f "$T/big.eml"
b2=$(imap_deliver INBOX "$(fresh "$S/sakura/renewal-failed-utf8-base64.eml")")
poll
like "$err" "UID $b1: too large to fetch \([0-9]+ bytes; the limit is 64 MiB\): given up after 1 try" "a candidate over 64 MiB is given up at once"
like "$err" "UID $b2: .* → unverified" "… the message after it is handled"
like "$err" "poll: 2 headers, 1 whole messages, [0-9]{1,5} bytes" "… and the big one was never fetched"
imap_doveadm expunge -u "$IMAP_USER" mailbox INBOX uid "$b1"

# ---- UIDVALIDITY change: rescan, nothing notified twice ----
printf '%s\n[action unverified]\ncommand = sh -c "cat >> %s/hook.jsonl"\n' "$BASECONF" "$T" > "$CONF"
imap_uidvalidity_bump INBOX >/dev/null
u8=$(imap_deliver INBOX "$S/conoha/expiry-10d-iso2022jp-python.eml")
poll
like "$err" "UIDVALIDITY changed" "a UIDVALIDITY change is noticed"
is "$(ids)" "$(jfield message_id < "$S/conoha/expiry-10d-iso2022jp-python.json") " "… the mailbox is rescanned and only the new notice is reported"
like "$err" "already reported" "… notices already reported are skipped"

# ---- a notice only attached to a mail: reported, never acted on ----
hooks_before=$(grep -c . "$T/hook.jsonl")
a1=$(imap_deliver INBOX "$(fresh "$S/sakura/forwarded-rfc822.eml")")
poll
like "$err" "UID $a1: sakura .* → unverified \(attached to the mail: reported only\)" "an attached notice is reported only"
is "$(printf '%s\n' "$out" | jfield uid)/$(grep -c . "$T/hook.jsonl")" "$a1/$hooks_before" "… once on standard output, and its hook does not run"

# ---- credentials: netrc with a user; no password; a failing password command ----
count() { "$@" 2>"$T/err" | grep -cE '^(UNVERIFIED|RENEWED|ACTION-REQUIRED|EXPIRED|SUSPICIOUS) '; }   # a line per notice
NOTICES=$(count "$CN" imap --rules "$R" --no-verify --once --url "$URL" "${AUTH[@]}" --state "$T/s1x" --dry-run)
ok "a fresh state reports the $NOTICES notices in INBOX" [ "$NOTICES" -ge 10 ]
printf 'machine 127.0.0.1 login %s password %s\n' "$IMAP_USER" "$IMAP_PASS" > "$T/.netrc"
chmod 600 "$T/.netrc"
is "$(count "$CN" imap --rules "$R" --no-verify --once --url "$URL" --imap-cacert "$IMAP_CACERT" --state "$T/s2" --dry-run)" "$NOTICES" "netrc supplies user and password"
printf 'machine 127.0.0.1 login someone-else password wrong\nmachine 127.0.0.1 login %s password %s\n' "$IMAP_USER" "$IMAP_PASS" > "$T/.netrc"
is "$(count "$CN" imap --rules "$R" --no-verify --once --url "$URL" --user "$IMAP_USER" --imap-cacert "$IMAP_CACERT" --state "$T/s2b" --dry-run)" "$NOTICES" "netrc with --user: that user's entry (not the first for the host)"
is "$(count "$CN" imap --rules "$R" --no-verify --once --url "imaps://$IMAP_USER@127.0.0.1:$IMAPS_PORT/INBOX" --imap-cacert "$IMAP_CACERT" --state "$T/s2c" --dry-run)" "$NOTICES" "netrc with the user in the URL"
cat > "$T/netrc-user.conf" <<EOF
[account work]
url = imaps://127.0.0.1:$IMAPS_PORT/INBOX
user = $IMAP_USER
cacert = $IMAP_CACERT
EOF
is "$(count "$CN" imap --rules "$R" --config "$T/netrc-user.conf" --no-verify --once --state "$T/s2d" --dry-run)" "$NOTICES" "netrc with \`user\` in the config (the set-up of the README)"
rm -f "$T/.netrc"
cat > "$T/nopw.conf" <<EOF
[account nopw]
url = imaps://127.0.0.1:1/INBOX
user = $IMAP_USER
EOF
"$CN" imap --rules "$R" --config "$T/nopw.conf" --once --state "$T/s2e" 2>"$T/err"
is "$?" 78 "no password at all: exit 78, before connecting (port 1 is closed)"
like "$(cat "$T/err")" "no password for $IMAP_USER@127\.0\.0\.1: set password_command in \[account nopw\] \(--password-command with --url\), or add \"machine 127\.0\.0\.1 login $IMAP_USER password …\" to $T/\.netrc" "… naming the ways to give one"
printf '[account pc]\nurl = imaps://127.0.0.1:%s/INBOX\nuser = %s\ncacert = %s\npassword_command = sh -c "echo TOPSECRET; echo gpg: decryption failed: No secret key >&2; exit 2"\n' \
	"$IMAPS_PORT" "$IMAP_USER" "$IMAP_CACERT" > "$T/pwfail.conf"
"$CN" imap --rules "$R" --config "$T/pwfail.conf" --once --state "$T/s2f" 2>"$T/err"
is "$?" 75 "a failing password command: exit 75 (tried again at the next poll)"
like "$(cat "$T/err")" "^certnotice imap: pc: the password command failed \(exit status 2\): gpg: decryption failed: No secret key" "… with its exit status and standard error"
unlike "$(cat "$T/err")" "TOPSECRET" "… never its output"

# ---- STARTTLS; plaintext only with the flag; trust ----
is "$(count "$CN" imap --rules "$R" --no-verify --once --url "imap://127.0.0.1:$IMAP_PORT/INBOX" "${AUTH[@]}" --state "$T/s3" --dry-run)" "$NOTICES" "imap:// works with STARTTLS (enforced)"
is "$(count "$CN" imap --rules "$R" --no-verify --once --url "imap://127.0.0.1:$IMAP_PORT/INBOX" --allow-plaintext --user "$IMAP_USER" --password-command "$T/pw" --state "$T/s4" --dry-run)" "$NOTICES" "imap:// without TLS works with --allow-plaintext"
if [ -n "${IMAP_STRICT_PORT:-}" ]; then
	# 127.0.0.2 refuses a login before STARTTLS: the default really uses TLS,
	# and --allow-plaintext really does not
	is "$(count "$CN" imap --rules "$R" --no-verify --once --url "imap://127.0.0.2:$IMAP_STRICT_PORT/INBOX" "${AUTH[@]}" --state "$T/s3b" --dry-run)" "$NOTICES" "imap:// to a server that refuses plaintext: STARTTLS is used"
	"$CN" imap --rules "$R" --no-verify --once --url "imap://127.0.0.2:$IMAP_STRICT_PORT/INBOX" --allow-plaintext --user "$IMAP_USER" --password-command "$T/pw" --state "$T/s3c" --dry-run >/dev/null 2>"$T/err"
	is "$?" 75 "… and --allow-plaintext there is refused by the server (so it really was plaintext)"
else
	skip "STARTTLS on a strict server" "127.0.0.2 is not bindable here"
	skip "plaintext on a strict server" "127.0.0.2 is not bindable here"
fi
"$CN" imap --rules "$R" --no-verify --once --url "$URL" --user "$IMAP_USER" --password-command "$T/pw" --state "$T/s5" >/dev/null 2>"$T/err"
is "$?" 75 "an untrusted server certificate: no connection, exit 75"
like "$(cat "$T/err")" "certificate.*give its CA with cacert = FILE in \[account cli\], or --imap-cacert FILE with --url" "… and the log says why, and which key fixes it"
"$CN" imap --rules "$R" --no-verify --once --url "$URL" --user "$IMAP_USER" --password-command "$T/pw" --cacert "$IMAP_CACERT" --state "$T/s5b" >/dev/null 2>"$T/err"
is "$?" 75 "--cacert (live checks' trust) does not make the IMAP server trusted"
printf '#!/bin/sh\necho wrong\n' > "$T/badpw"; chmod +x "$T/badpw"
"$CN" imap --rules "$R" --no-verify --once --url "$URL" --user "$IMAP_USER" --password-command "$T/badpw" --imap-cacert "$IMAP_CACERT" --state "$T/s6" >/dev/null 2>"$T/err"
is "$?" 75 "a wrong password: exit 75"
like "$(cat "$T/err")" "login as $IMAP_USER denied \(password from the password command\)" "… saying where the password came from"
"$CN" imap --rules "$R" --once --url "ftp://x/" --state "$T/s7" 2>/dev/null
is "$?" 64 "a bad --url exits 64"

# ---- live checks' trust is not the IMAP server's (and the reverse) ----
# the notice's domain is mapped to the Dovecot TLS port: its certificate is
# signed by the IMAP test CA
t1=$(imap_deliver Trust "$S/sakura/renewal-failed-iso2022jp.eml")
TRUSTED=("$CN" imap --rules "$R" --once --dry-run --format json --url "imaps://127.0.0.1:$IMAPS_PORT/Trust" "${AUTH[@]}"
	--allow-private --connect-to "example.com:443:127.0.0.1:$IMAPS_PORT" --timeout 30 --state "$T/s8")
live() { "${TRUSTED[@]}" "$@" 2>/dev/null > "$T/live.json"; echo "$(jfield live.status < "$T/live.json")/$(jfield live.trusted < "$T/live.json")"; }
# (the certificate names imap.test, not example.com: name-mismatch either way)
is "$(live)" "name-mismatch/false" "--imap-cacert: the IMAP CA is not trusted for live checks"
is "$(live --cacert "$IMAP_CACERT")" "name-mismatch/true" "--cacert: trusted for live checks"
printf '[certnotice]\ncacert = %s\n' "$IMAP_CACERT" > "$T/trust.conf"
is "$(live --config "$T/trust.conf")" "name-mismatch/true" "[certnotice] cacert: the same, from the config"

# ---- the config: unknown keys, targets that are polled ----
typo() {   # typo GROUP KEY LINE…: a config with a misspelt KEY in GROUP
	local g=$1 k=$2; shift 2
	printf '# a comment\n[%s]\n' "$g" > "$T/typo.conf"
	printf '%s\n' "$@" >> "$T/typo.conf"
	"$CN" imap --rules "$R" --config "$T/typo.conf" --once --state "$T/s9" 2>"$T/err"
	is "$?" 78 "misspelt key '$k': exit 78"
	like "$(cat "$T/err")" "config $T/typo\.conf:4: \[$g\] $k: unknown key" "… naming the file, the line, the group and the key"
}
typo "account x" pasword_command "url = imaps://127.0.0.1/INBOX" "pasword_command = pass show mail"
typo "action renewed" keywrd "move = Certnotice/renewed" "keywrd = \$CertStale"
typo imap intervall "state = $T/s9" "intervall = 300"
cat > "$T/target.conf" <<EOF
[account x]
url = imaps://127.0.0.1:$IMAPS_PORT/
mailboxes = INBOX;Certnotice/suspicious

[action suspicious]
move = Certnotice/suspicious
EOF
"$CN" imap --rules "$R" --config "$T/target.conf" --once --state "$T/s9" 2>"$T/err"
is "$?" 78 "polling a move target is refused at start"
like "$(cat "$T/err")" "config $T/target\.conf:3: \[account x\] mailboxes: 'Certnotice/suspicious' is polled, and \[action suspicious\] \($T/target\.conf:5\) moves mail there" "… naming both places"
printf '[action suspicious]\nmove = Certnotice/suspicious\n' > "$T/target2.conf"
"$CN" imap --rules "$R" --config "$T/target2.conf" --url "imaps://127.0.0.1:$IMAPS_PORT/Certnotice/suspicious" "${AUTH[@]}" --once --state "$T/s9" 2>"$T/err"
is "$?" 78 "… also with --url"
like "$(cat "$T/err")" "^certnotice: --url: 'Certnotice/suspicious' is polled, and \[action suspicious\] \($T/target2\.conf:1\) moves mail there" "… saying so"
printf '[account y]\nurl = imaps://127.0.0.1/Archive\nmailboxes = INBOX\n' > "$T/urlbox.conf"
"$CN" imap --rules "$R" --config "$T/urlbox.conf" --once --state "$T/s9" 2>"$T/err"
is "$?" 78 "a URL mailbox that \`mailboxes\` does not list is refused"
like "$(cat "$T/err")" "urlbox\.conf:2: \[account y\] url: the url names mailbox 'Archive', which \`mailboxes\` does not list" "… saying that \`mailboxes\` decides"
"$CN" imap --rules "$R" --config "$SRCDIR/docs/examples/config.example" --status --state "$T/none" >/dev/null 2>"$T/err"
is "$?" 0 "docs/examples/config.example is a valid config"
# every key certnotice(1) documents is one the config takes, and the reverse
cat > "$T/every.conf" <<EOF
[certnotice]
trusted_authserv_ids = mx.example.net
trusted_forwarders = me@example.net
rules_dir = $R
cacert = $IMAP_CACERT
[provider sakura]
sender_domains = sakura.example
[imap]
interval = 300
state = $T/every.state
no_verify = true
attempts = 5
retry_delay = 60
[account every]
url = imaps://127.0.0.1:$IMAPS_PORT/
user = $IMAP_USER
password_command = $T/pw
cacert = $IMAP_CACERT
allow_plaintext = false
mailboxes = INBOX
[action expired]
keyword = \$CertExpired
copy = Certnotice/copies
move = Certnotice/expired
command = true
webhook = https://hooks.example.net/x
EOF
"$CN" imap --config "$T/every.conf" --status >/dev/null 2>"$T/err"
is "$?/$(cat "$T/err")" "0/" "a config with every key loads"
missing=""
for k in $(grep -o '^[a-z_]* =' "$T/every.conf" | tr -d ' ='); do
	grep -q "^\.B $k\$\|\\\\fB$k\\\\fP" "$SRCDIR/docs/certnotice.1" || missing="$missing $k"
done
is "$missing" "" "… and certnotice(1) documents each of its keys"

# ---- Dovecot restarted: the poller reconnects; SIGTERM ----
printf '%s\n[action unverified]\ncommand = sh -c "cat >> %s/hook.jsonl"\n' "$BASECONF" "$T" > "$CONF"
# (the poll statistics line says when the first poll is done)
CERTNOTICE_IMAP_STATS=1 "${POLL[@]}" --interval 1 > "$T/loop.out" 2> "$T/loop.err" &
POLLER=$!
wait_for "$T/loop.err" 'poll: '
imap_restart >/dev/null
u9=$(imap_deliver INBOX "$S/sakura/expiry-15d-multipart-alternative.eml")
wait_for "$T/loop.err" "UID $u9:"
like "$(cat "$T/loop.err")" "UID $u9: sakura expiry-warning example\.jp" "after Dovecot restarts, the poller reconnects and picks up new mail"
kill -TERM $POLLER
wait $POLLER; rc=$?
POLLER=
is "$rc" 0 "SIGTERM: clean exit"
is "$(grep -c "UID $u9:" "$T/loop.err")" 1 "the polling loop reported the new notice once"

# ---- SIGHUP: the new config is used (shown by what it changes) ----
cat > "$T/hup.conf" <<EOF
$BASECONF
[account main]
url = imaps://127.0.0.1:$IMAPS_PORT/
mailboxes = Hup
user = $IMAP_USER
password_command = $T/pw
cacert = $IMAP_CACERT
EOF
"$CN" imap --rules "$R" --no-verify --config "$T/hup.conf" --state "$T/hup.state" --format json --interval 1 > "$T/hup.out" 2> "$T/hup.err" &
POLLER=$!
h1=$(imap_deliver Hup "$(fresh "$S/phishing/sakura-ne-jp-sender.eml")")
h2=$(imap_deliver Hup "$(fresh "$S/sakura/auth-pass-trusted.eml")")
wait_for "$T/hup.err" "main/Hup UID $h2:"
is "$(jfield verdict < "$T/hup.out" | tr '\n' ' ')" "suspicious unverified " "before SIGHUP: sakura.ne.jp is no genuine sender"
is "$(jfield authentic < "$T/hup.out" | tr '\n' ' ')" "false null " "… and mx.certnotice.test's Authentication-Results are not believed"
cat >> "$T/hup.conf" <<EOF
[certnotice]
trusted_authserv_ids = mx.certnotice.test

[provider sakura]
sender_domains = sakura.ne.jp

[account second]
url = imaps://127.0.0.1:$IMAPS_PORT/Hup2
user = $IMAP_USER
password_command = $T/pw
cacert = $IMAP_CACERT
EOF
kill -HUP $POLLER
wait_for "$T/hup.err" "SIGHUP: config $T/hup\.conf and rules reloaded"
h3=$(imap_deliver Hup "$(fresh "$S/phishing/sakura-ne-jp-sender.eml")")
h4=$(imap_deliver Hup "$(fresh "$S/sakura/auth-pass-trusted.eml")")
h5=$(imap_deliver Hup2 "$(fresh "$S/conoha/renewal-failed-20d-html-only.eml")")
wait_for "$T/hup.err" "second/Hup2 UID $h5:"
wait_for "$T/hup.err" "main/Hup UID $h4:"
is "$(grep "\"uid\":$h3," "$T/hup.out" | jfield verdict)" "unverified" "after SIGHUP: a sender domain added in [provider sakura] is honoured"
is "$(grep "\"uid\":$h4," "$T/hup.out" | jfield authentic)" "true" "… an authserv-id added to trusted_authserv_ids makes a notice authentic"
like "$(cat "$T/hup.err")" "second/Hup2 UID $h5: conoha renewal-failed" "… an account added is polled"
printf '[imap]\nintervall = 5\n' >> "$T/hup.conf"
kill -HUP $POLLER
wait_for "$T/hup.err" "SIGHUP: keeping"
like "$(cat "$T/hup.err")" "SIGHUP: keeping the old config and rules: config $T/hup\.conf:[0-9]+: \[imap\] intervall: unknown key" "a broken config on SIGHUP: the old one is kept, the log names the file and line"
h6=$(imap_deliver Hup2 "$(fresh "$S/conoha/renewal-failed-20d-multipart-eucjp.eml")")
wait_for "$T/hup.err" "second/Hup2 UID $h6:"
like "$(cat "$T/hup.err")" "second/Hup2 UID $h6: conoha" "… and goes on polling with it"
kill -TERM $POLLER; wait $POLLER
POLLER=

# gate-hook LOG N GATE: a hook command that appends its stdin to LOG; its
# Nth run then waits until the file GATE exists (at most 30 s), so a test can
# act while that hook is surely running, without fixed sleeps
cat > "$T/gate-hook" <<'EOF'
#!/bin/sh
cat >> "$1"
[ "$(grep -c . "$1")" = "$2" ] || exit 0
i=0
while [ ! -e "$3" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
EOF
chmod +x "$T/gate-hook"

# ---- SIGKILL mid-poll: at most a repeat, never a loss ----
cat > "$CONF" <<EOF
[action unverified]
command = $T/gate-hook $T/slow.jsonl 2 $T/slow.go
EOF
k1=$(imap_deliver INBOX "$S/sakura/expiry-15d-html-only.eml")
k2=$(imap_deliver INBOX "$S/sakura/renewal-failed-utf8-base64.eml")
k3=$(imap_deliver INBOX "$S/sakura/renewal-failed-eucjp-noprefix.eml")
"${POLL[@]}" --once > "$T/k.out" 2> "$T/k.err" &
POLLER=$!
for i in $(seq 1 200); do [ "$(cat "$T/slow.jsonl" 2>/dev/null | grep -c .)" -ge 2 ] && break; sleep 0.1; done
kill -9 $POLLER; wait $POLLER 2>/dev/null
POLLER=
touch "$T/slow.go"    # the orphaned second hook ends
"${POLL[@]}" --once > "$T/k2.out" 2> "$T/k2.err"
want="$(for u in $k1 $k2 $k3; do echo "$u"; done | sort -n | tr '\n' ' ')"
is "$(cat "$T/k.out" "$T/k2.out" | jfield uid | sort -nu | tr '\n' ' ')" "$want" "killed with SIGKILL and restarted: every notice is reported"
is "$(jfield uid < "$T/slow.jsonl" | sort -n | uniq | tr '\n' ' ')" "$want" "… every hook ran"
is "$(cat "$T/k2.out" | jfield uid | grep -c "^$k1\$")" 0 "… the one finished before the kill is not reported again"
is "$(jfield uid < "$T/slow.jsonl" | sort -n | uniq -d | grep -vc "^$k2\$")" 0 "… at most the one in progress ran its action twice"

# ---- Dovecot restarted in the middle of a poll ----
cat > "$CONF" <<EOF
[action unverified]
command = $T/gate-hook $T/mid.jsonl 1 $T/mid.go
move = Certnotice/handled
EOF
m1=$(imap_deliver INBOX "$S/conoha/renewal-failed-20d-html-only.eml")
m2=$(imap_deliver INBOX "$S/conoha/renewal-failed-20d-multipart-eucjp.eml")
m3=$(imap_deliver INBOX "$S/conoha/subdomain-sender-raw-utf8.eml")
"${POLL[@]}" --interval 1 > "$T/mid.out" 2> "$T/mid.err" &
POLLER=$!
for i in $(seq 1 200); do [ -s "$T/mid.jsonl" ] && break; sleep 0.1; done
imap_restart >/dev/null    # while the first message's hook runs
touch "$T/mid.go"
for i in $(seq 1 100); do [ "$(grep -c "moved to Certnotice/handled" "$T/mid.err")" -ge 3 ] && break; sleep 0.2; done
kill -TERM $POLLER; wait $POLLER
POLLER=
is "$(jfield uid < "$T/mid.out" | sort -nu | tr '\n' ' ')" "$m1 $m2 $m3 " "Dovecot restarted mid-poll: every notice is still handled"
like "$(cat "$T/mid.err")" "closed the connection|BYE|Connection|no answer" "… the dropped connection was noticed and retried"
is "$(jfield uid < "$T/mid.out" | sort -n | uniq -d | grep -c .)" 0 "… and none was reported twice"
is "$(jfield uid < "$T/mid.jsonl" | sort -n | uniq -d | grep -c .)" 0 "… nor its hook run twice (the hook was recorded before the move failed)"
is "$(imap_count Certnotice/handled)" 3 "… and all three were moved"
imap_stop >/dev/null

# ---- Dovecot's default: "." separator, Maildir++; non-ASCII names ----
export IMAP_SEPARATOR=.
imap_start "$T/dovecot-dot" >/dev/null || { echo "Bail out! Dovecot (.) did not start"; exit 1; }
mutf7() { python3 -c '
import base64, re, sys
def enc(m):
    s = m.group(0)
    return "&" + base64.b64encode(s.encode("utf-16-be")).decode().rstrip("=").replace("/", ",") + "-"
print(re.sub(r"[^\x20-\x7e]+", enc, sys.argv[1].replace("&", "&-")))' "$1"; }
cat > "$T/dot.conf" <<EOF
$BASECONF
[account dot]
url = imaps://127.0.0.1:$IMAPS_PORT/
mailboxes = INBOX;通知/証明書
user = $IMAP_USER
password_command = $T/pw
cacert = $IMAP_CACERT

[action unverified]
move = Certnotice/処理済み

[action suspicious]
move = Certnotice/suspicious
EOF
AUTH=(--user "$IMAP_USER" --password-command "$T/pw" --imap-cacert "$IMAP_CACERT")
DOT=("$CN" imap --rules "$R" --no-verify --config "$T/dot.conf" --state "$T/dot.state" --once)
d1=$(imap_deliver INBOX "$S/phishing/sakura-ne-jp-sender.eml")
d2=$(imap_deliver INBOX "$S/conoha/renewal-failed-20d-html-only.eml")
d3=$(imap_deliver "通知.証明書" "$S/conoha/renewal-failed-20d-multipart-eucjp.eml")
"${DOT[@]}" > /dev/null 2> "$T/err"
is "$?" 1 "'.' separator: a poll with a suspicious notice exits 1"
like "$(cat "$T/err")" "dot/INBOX UID $d1: .* → suspicious, moved to Certnotice/suspicious" "move = Certnotice/suspicious works where the server's separator is '.'"
is "$(imap_count Certnotice.suspicious)" 1 "… the message is in the server's Certnotice.suspicious"
like "$(cat "$T/err")" "dot/通知/証明書 UID $d3: conoha .* → unverified, moved to Certnotice/処理済み" "a non-ASCII mailbox is polled, a non-ASCII target used"
is "$(imap_folders | grep -F "$(mutf7 "Certnotice.処理済み")" | cut -f2)" 2 "… on the wire in modified UTF-7 ($(mutf7 "Certnotice.処理済み"))"
is "$(imap_doveadm mailbox list -u "$IMAP_USER" | grep -c '^Certnotice\.処理済み$')" 1 "… which is the UTF-8 name to Dovecot"
"$CN" imap --rules "$R" --no-verify --once --url "imaps://127.0.0.1:$IMAPS_PORT/Lists/v1.2" "${AUTH[@]}" --state "$T/dot2.state" 2>"$T/err"
is "$?" 75 "a mailbox level holding the server's separator: that mailbox fails"
like "$(cat "$T/err")" "cli/Lists/v1\.2: mailbox 'Lists/v1\.2': 'v1\.2' holds '\.', the server's hierarchy delimiter" "… with a clear message"
# a personal namespace prefix (Courier, old Cyrus): added to every name but INBOX
export IMAP_NS_PREFIX=INBOX.
imap_restart >/dev/null
d4=$(imap_deliver INBOX "$(fresh "$S/phishing/sakura-ne-jp-sender.eml")")
"${DOT[@]}" > /dev/null 2> "$T/err"
like "$(cat "$T/err")" "dot/INBOX UID $d4: .* → suspicious, moved to Certnotice/suspicious" "with the namespace prefix INBOX.: the same config works"
is "$(imap_count INBOX.Certnotice.suspicious)" 2 "… the message is in INBOX.Certnotice.suspicious"
unset IMAP_SEPARATOR IMAP_NS_PREFIX

san_check
done_testing
