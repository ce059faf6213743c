#!/usr/bin/env bash
# selftest.sh - prove the private-Dovecot harness (dovecot.sh, imapc.py) and
# record how curl/libcurl 7.88 behaves against it over IMAP.  Output is TAP;
# lines starting "# finding:" document libcurl behaviour the certnotice IMAP
# client design depends on.  Runs under `set -euo pipefail` on purpose.
#
# Env: IMAP_KEEP=1              keep the temp dir (path printed as a comment)
#      IMAP_SELFTEST_BIG=N      messages for the imap_deliver_many test (1000)
#      IMAP_SELFTEST_SAVES=N    raw `doveadm save` runs timed (200; 0 = skip)
# Needs: dovecot-imapd, curl, python3, openssl, bc-free (awk for timing).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../tap.sh
. "$HERE/../tap.sh"
# shellcheck source=dovecot.sh
. "$HERE/dovecot.sh"
BIG=${IMAP_SELFTEST_BIG:-1000}
SAVES=${IMAP_SELFTEST_SAVES:-200}

T=$(mktemp -d "${TMPDIR:-/tmp}/imap-selftest.XXXXXX")
chmod 711 "$T"     # the mail uid (nobody) must traverse it to reach DIR/mail
CHILD=""
cleanup() {
    imap_stop
    if [ -n "$CHILD" ]; then kill -KILL "$CHILD" 2>/dev/null || true; fi
    if [ "${IMAP_KEEP:-0}" = 1 ]; then echo "# kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'echo "Bail out! unexpected failure at line $LINENO: $BASH_COMMAND"' ERR

now_s() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
finding() { printf '# finding: %s\n' "$*"; }
show() { sed 's/\r$//; s/^/#   | /' | head -n 20; }   # quote output as comments
crlf() { tr -d '\r'; }
# mlike GOT ERE DESC: like, but the ERE is matched against the whole
# multi-line string (bash =~: "." also matches newlines, ^/$ = string ends)
mlike() {
    if [[ $1 =~ $2 ]]; then _tap_result 0 "$3"; else
        _tap_result 1 "$3"; printf '# no match for /%s/ in:\n' "$2"; printf '%s\n' "$1" | head -40 | sed 's/^/#   /'; fi
}
not() { ! "$@"; }

command -v dovecot >/dev/null || { echo "1..0 # SKIP dovecot not installed (apt-get install dovecot-imapd)"; exit 0; }
echo "# $(dovecot --version | head -1 | sed 's/^/dovecot /'); $(curl -V | head -1)"

D=$T/dc
s0=$(now_s)
ok "imap_start: certs, config, dovecot running" imap_start "$D"
echo "# imap_start took $(elapsed "$s0" "$(now_s)") s"
if ! imap_running; then echo "Bail out! dovecot did not start"; exit 1; fi
mlike "$(cat "$D/ports")" $'^imaps [0-9]+\nimap [0-9]+(\n|$)' "ports file: 'imaps PORT' and 'imap PORT' lines"
is "$(awk '$1=="imaps"{print $2}' "$D/ports"):$(awk '$1=="imap"{print $2}' "$D/ports")" "$IMAPS_PORT:$IMAP_PORT" "IMAPS_PORT/IMAP_PORT exported and match the ports file"
is "$IMAP_DIR|$IMAP_USER|${IMAP_PASS:+set}" "$D|certtest|set" "IMAP_DIR, IMAP_USER, IMAP_PASS exported"
sed 's/^/#   ports: /' "$D/ports"

CURL=(curl -sS --max-time 20 --cacert "$IMAP_CACERT" -u "$IMAP_USER:$IMAP_PASS")
U=imaps://127.0.0.1:$IMAPS_PORT

# --- three messages -------------------------------------------------------
for i in 1 2 3; do
    printf 'From: Sender %s <s%s@ca.test>\nTo: admin@example.test\nSubject: Hello %s\nDate: Mon, 1 Jan 2024 00:00:0%s +0000\nMessage-ID: <m%s@ca.test>\n\nbody %s\nsecond line\n' \
        "$i" "$i" "$i" "$i" "$i" "$i" > "$T/m$i.eml"
done
uids=""
for i in 1 2 3; do uids="$uids $(imap_deliver INBOX "$T/m$i.eml" || echo ERR)"; done
is "$uids" " 1 2 3" "imap_deliver: 3 messages into INBOX get UIDs 1 2 3"
is "$(imap_count INBOX)" 3 "imapc.py (imaplib) sees 3 messages"

# --- curl basics ----------------------------------------------------------
out=$("${CURL[@]}" "$U/INBOX" -X 'UID SEARCH ALL' | crlf) || true
is "$out" "* SEARCH 1 2 3" "curl imaps -X 'UID SEARCH ALL': one untagged line '* SEARCH 1 2 3'"
out=$("${CURL[@]}" "$U/INBOX?ALL" | crlf) || true
is "$out" "* SEARCH 1 2 3" "curl URL search 'INBOX?ALL' (sends SEARCH ALL, i.e. sequence numbers)"

uv=$(imap_uidvalidity INBOX)
out=$("${CURL[@]}" "$U" -X 'EXAMINE INBOX' | crlf) || true
like "$out" "^\* OK \[UIDVALIDITY $uv\] UIDs valid" "curl -X 'EXAMINE INBOX' on the server URL: untagged lines incl. UIDVALIDITY (= doveadm's $uv)"
like "$out" $'\\* 3 EXISTS' "EXAMINE output has '* 3 EXISTS'"
unlike "$out" 'READ-ONLY|READ-WRITE' "the tagged OK [READ-ONLY] line is not in the output"
echo "#   curl -X 'EXAMINE INBOX' prints:"; printf '%s\n' "$out" | show
out=$("${CURL[@]}" "$U/INBOX" -X 'EXAMINE INBOX' | crlf) || true
like "$out" '^\* OK \[CLOSED\]' "curl -X EXAMINE on a mailbox URL: curl SELECTs INBOX itself first ('* OK [CLOSED]' appears)"
finding "with a mailbox in the URL libcurl sends 'SELECT <mailbox>' before any CUSTOMREQUEST; with no mailbox (imaps://host:port) it sends the custom command right after login"

# --- custom FETCH with BODY.PEEK: where does the literal go? --------------
out=$("${CURL[@]}" -D "$T/h1" "$U/INBOX" -X 'UID FETCH 1 BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)]' | crlf) || true
like "$out" '^\* 1 FETCH \(UID 1 BODY\[HEADER\.FIELDS \(FROM SUBJECT\)\] \{[0-9]+\}$' "custom 'UID FETCH 1 BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)]': write callback gets the first response line ending in {N}"
if printf '%s' "$out" | grep -q 'Subject: Hello 1'; then
    finding "the literal DID come back through the write callback (not libcurl 7.88 behaviour)"
    _tap_result 0 "write-callback output recorded (literal present)"
else
    finding "CUSTOMREQUEST FETCH: the literal is NOT passed to the write callback (only '* n FETCH ... {N}' lines)"
    _tap_result 0 "write callback: literal absent, as documented for libcurl 7.88"
fi
mlike "$(crlf < "$T/h1")" $'\\{[0-9]+\\}\nFrom: Sender 1 <s1@ca.test>\nSubject: Hello 1\n\n\\)' "header callback (-D) receives every response line, including the literal's lines"
is "$(imap_fetch_flags INBOX 1)" "" "BODY.PEEK did not set \\Seen on UID 1"

out=$("${CURL[@]}" -D "$T/h2" "$U/INBOX" -X 'UID FETCH 1:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (FROM SUBJECT DATE MESSAGE-ID)])' | crlf) || true
is "$(printf '%s\n' "$out" | grep -c '^\* [0-9]* FETCH')" 3 "UID FETCH 1:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (...)]): 3 '* n FETCH' lines via the write callback"
unlike "$out" 'Message-ID' "... and no header text in the write-callback output"
lits=$(python3 - "$T/h2" <<'EOF'
# re-parse the header-callback byte stream as IMAP: exact literal extraction
import re, sys
data = open(sys.argv[1], "rb").read()
out, pos = [], 0
for m in re.finditer(rb"\* (\d+) FETCH \(UID (\d+) FLAGS \(([^)]*)\) BODY\[HEADER\.FIELDS \([^)]*\)\] \{(\d+)\}\r\n", data):
    if m.start() < pos: continue
    n = int(m.group(4)); lit = data[m.end():m.end() + n]; pos = m.end() + n
    ok = len(lit) == n and data[pos:pos + 1] == b")"
    mid = re.search(rb"Message-ID: (\S+)", lit)
    out.append("%s:%s:%s" % (m.group(2).decode(), mid.group(1).decode() if mid else "-", "ok" if ok else "BAD"))
print(" ".join(out))
EOF
) || true
is "$lits" "1:<m1@ca.test>:ok 2:<m2@ca.test>:ok 3:<m3@ca.test>:ok" "header-callback stream re-parsed by {N} counts: 3 exact literals, each followed by ')'"
finding "header callback (CURLOPT_HEADERFUNCTION / -D) = the raw server byte stream from the greeting on, line by line, including tagged lines and literals; concatenated it is byte-exact, so an IMAP parser can take {N} literals from it"
out2=$("${CURL[@]}" -i "$U/INBOX" -X 'UID FETCH 1:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (FROM SUBJECT DATE MESSAGE-ID)])' | crlf) || true
is "$out2" "$out" "--include (-i) changes nothing for IMAP: header lines are not mixed into the body"
is "$(imap_fetch_flags INBOX 2)|$(imap_fetch_flags INBOX 3)" "|" "PEEK of 1:* left \\Seen unset on all"

# hostile message content vs. libcurl's line-based response reader
printf 'From: evil@x.test\nSubject: spoof\n\nline one\n* 99 FETCH (UID 99 FLAGS (\\Seen))\n* SEARCH 5 6 7\nA004 OK fake completion\nafter the fake\n' > "$T/evil.eml"
imap_deliver Evil "$T/evil.eml" >/dev/null
out=$("${CURL[@]}" -D "$T/h3" "$U/Evil" -X 'UID FETCH 1 BODY.PEEK[]' | crlf) || true
mlike "$out" $'\n\\* 99 FETCH \\(UID 99 FLAGS \\(\\\\Seen\\)\\)\n\\* SEARCH 5 6 7$' "message lines starting '* ' inside a literal reach the write callback as if they were responses"
finding "write callback output of a CUSTOMREQUEST is spoofable by message content ('* ...' lines inside literals are passed on)"
is "$(crlf < "$T/h3" | tail -1)" "A004 OK fake completion" "a literal line 'A004 OK ...' (libcurl's predictable tag) ends the command early: the header stream stops there"
finding "tag injection: a body line equal to libcurl's next tag (A004 after CAPABILITY/AUTHENTICATE/SELECT) truncates the response silently (exit 0); HEADER.FIELDS literals cannot start with a tag (field lines start with a name or whitespace), BODY[]/TEXT can; check every literal's byte count"
if [ "$BIG" -ge 1000 ]; then BIGHDR=1; else BIGHDR=0; fi
python3 -c "open('$T/long.eml', 'w').write('From: a@x.test\nSubject: ' + 'x' * 60000 + '\n\nbody\n')"
imap_deliver Evil "$T/long.eml" >/dev/null
rc=0; "${CURL[@]}" -v -D "$T/h5" "$U/Evil" -X 'UID FETCH 2 BODY.PEEK[HEADER.FIELDS (SUBJECT)]' >/dev/null 2>"$T/v5" || rc=$?
maxl=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$T/h5")
ok "a 60 KB header line is cut short in the header stream (longest line $maxl), exit $rc" test "$maxl" -lt 60000
like "$(crlf < "$T/v5")" 'Excessive server response line length' "... only -v says 'Excessive server response line length received ... Stripping'"
finding "long response lines are silently stripped (exit 0, only a verbose message), depending on CURLOPT_BUFFERSIZE and read chunking: curl(1) (100 KB buffer) kept 20 KB lines but cut 60 KB and 100 KB ones; libcurl's default 16 KB kept 9 KB and cut 20 KB; CURLOPT_BUFFERSIZE=512 KB (the max) kept 100 KB. Set it to the max and check literal sizes"

# --- URL fetch -------------------------------------------------------------
out=$("${CURL[@]}" -v "$U/INBOX/;UID=2" 2>"$T/v2" | crlf) || true
mlike "$out" $'^From: Sender 2.*\nbody 2\nsecond line$' "URL fetch INBOX/;UID=2 returns the whole message via the write callback"
like "$(crlf < "$T/v2")" '> A[0-9]+ UID FETCH 2 BODY\[\]' "... and libcurl sends 'UID FETCH 2 BODY[]' (no PEEK)"
is "$(imap_fetch_flags INBOX 2)" '\Seen' "URL fetch set \\Seen on UID 2"
finding "URL fetch (;UID=n, also ;SECTION=...) uses BODY[...] without PEEK after SELECT: it sets \\Seen"
out=$("${CURL[@]}" "$U/INBOX;UIDVALIDITY=$uv/;UID=3;SECTION=HEADER.FIELDS%20(SUBJECT)" | crlf) || true
is "$out" 'Subject: Hello 3' "URL fetch with ;UIDVALIDITY=<current>;SECTION=HEADER.FIELDS (SUBJECT) works"
rc=0; "${CURL[@]}" "$U/INBOX;UIDVALIDITY=1/;UID=3" >/dev/null 2>"$T/e" || rc=$?
is "$rc" 78 "URL fetch with a wrong ;UIDVALIDITY fails: curl exit 78 ($(head -c 60 "$T/e" | crlf))"
is "$(imap_fetch_flags INBOX 3)" '\Seen' "... the SECTION fetch also set \\Seen on UID 3"
# restore: the flag tests below expect an unseen 3
imap_doveadm flags remove -u "$IMAP_USER" '\Seen' mailbox INBOX uid 3

# --- STORE / keywords / MOVE ----------------------------------------------
out=$("${CURL[@]}" "$U/INBOX" -X 'UID STORE 1 +FLAGS ($CertActionRequired)' | crlf) || true
like "$out" '^\* 1 FETCH \(UID 1 FLAGS \(\$CertActionRequired\)\)' "curl -X 'UID STORE 1 +FLAGS (\$CertActionRequired)' prints the untagged FETCH"
is "$(imap_fetch_flags INBOX 1)" '$CertActionRequired' "imaplib sees keyword \$CertActionRequired on UID 1"
out=$("${CURL[@]}" "$U/INBOX" -X 'UID STORE 1 +FLAGS.SILENT (\Flagged)' | crlf) || true
is "$out" "" "UID STORE ... +FLAGS.SILENT: no output"
is "$(imap_fetch_flags INBOX 1)" '$CertActionRequired \Flagged' "flags now \$CertActionRequired \\Flagged"
imap_doveadm flags remove -u "$IMAP_USER" '\Flagged' mailbox INBOX uid 1

caps=$("${CURL[@]}" "$U" -X CAPABILITY | crlf) || true
like "$caps" '^\* CAPABILITY .* MOVE( |$)' "CAPABILITY (post-login, via curl) lists MOVE"
like "$caps" ' UIDPLUS ' "... and UIDPLUS"
like "$(imapc capability)" 'MOVE' "imaplib CAPABILITY also lists MOVE"
ok "imap_mkdir Certnotice/action-required" imap_mkdir Certnotice/action-required
out=$("${CURL[@]}" "$U/INBOX" -X 'UID MOVE 3 Certnotice/action-required' | crlf) || true
mlike "$out" $'COPYUID [0-9]+ 3 1.*\n\\* 3 EXPUNGE' "curl -X 'UID MOVE 3 Certnotice/action-required': COPYUID + EXPUNGE lines"
is "$(imap_count INBOX)/$(imap_count Certnotice/action-required)" "2/1" "after MOVE: INBOX 2, Certnotice/action-required 1"
is "$(imap_folders | sort)" $'Certnotice\t-\nCertnotice/action-required\t1\nEvil\t2\nINBOX\t2' "imap_folders: per-folder counts (parent Certnotice is \\Noselect)"
is "$(imap_list_mailbox Certnotice/action-required)" $'1\t\tHello 3' "imap_list_mailbox: UID, flags, subject"
uid=$(imap_deliver Certnotice/action-required "$T/m1.eml" '\Seen $CertActionRequired') || true
is "$uid:$(imap_fetch_flags Certnotice/action-required "$uid")" '2:$CertActionRequired \Seen' "imap_deliver MAILBOX FILE FLAGS: flags and keywords set"

# --- transports / auth -----------------------------------------------------
out=$("${CURL[@]}" -v --ssl-reqd "imap://127.0.0.1:$IMAP_PORT/INBOX" -X 'UID SEARCH ALL' 2>"$T/v3" | crlf) || true
is "$out" "* SEARCH 1 2" "STARTTLS on the plain port: curl imap:// --ssl-reqd works"
like "$(crlf < "$T/v3")" '> A[0-9]+ STARTTLS' "... and did STARTTLS (verbose shows it)"
out=$("${CURL[@]}" -v "imap://127.0.0.1:$IMAP_PORT/INBOX" -X 'UID SEARCH ALL' 2>"$T/v4" | crlf) || true
is "$out" "* SEARCH 1 2" "plaintext login on the plain port (no TLS) is accepted"
unlike "$(crlf < "$T/v4")" '> A[0-9]+ STARTTLS' "... without STARTTLS"
like "$(grep 'Login: user=<certtest>' "$D/log/dovecot.log" | tail -1)" 'lip=127\.0\.0\.1, mpid=[0-9]+, secured, session' "Dovecot logged it as 'secured' (remote IP = local IP), not TLS"
if [ -n "${IMAP_STRICT_PORT:-}" ]; then
    rc=0; "${CURL[@]}" -v "imap://$IMAP_STRICT_ADDR:$IMAP_STRICT_PORT/INBOX" -X NOOP >/dev/null 2>"$T/v5" || rc=$?
    is "$rc" 67 "strict port ($IMAP_STRICT_ADDR): plaintext login refused (curl 67)"
    like "$(crlf < "$T/v5")" 'LOGINDISABLED' "... the greeting says LOGINDISABLED"
    out=$("${CURL[@]}" --ssl-reqd "imap://$IMAP_STRICT_ADDR:$IMAP_STRICT_PORT/INBOX" -X 'UID SEARCH ALL' | crlf) || true
    is "$out" "* SEARCH 1 2" "strict port with STARTTLS works"
else
    skip "strict port" "127.0.0.2 not bindable"; skip "strict LOGINDISABLED" "no strict port"; skip "strict STARTTLS" "no strict port"
fi
s1=$(now_s); rc=0
curl -sS --max-time 20 --cacert "$IMAP_CACERT" -u "$IMAP_USER:wrong" "$U/INBOX" -X NOOP >/dev/null 2>&1 || rc=$?
el=$(elapsed "$s1" "$(now_s)")
is "$rc" 67 "wrong password: curl exit 67 (login denied)"
ok "... and fast (${el} s; auth_failure_delay = 0)" awk -v e="$el" 'BEGIN { exit !(e < 1.5) }'
rc=0; curl -sS --max-time 20 -u "$IMAP_USER:$IMAP_PASS" "$U/INBOX" -X NOOP >/dev/null 2>&1 || rc=$?
is "$rc" 60 "without --cacert the test CA is not trusted (curl 60)"
out=$("${CURL[@]}" --resolve "imap.test:$IMAPS_PORT:127.0.0.1" "imaps://imap.test:$IMAPS_PORT/INBOX" -X 'UID SEARCH ALL' | crlf) || true
is "$out" "* SEARCH 1 2" "certificate is valid for imap.test (curl --resolve)"
is "$(imapc --mode starttls count INBOX)" 2 "imaplib over STARTTLS works"

# --- UIDVALIDITY -----------------------------------------------------------
old=$(imap_uidvalidity INBOX)
new=$(imap_uidvalidity_bump INBOX) || true
ok "imap_uidvalidity_bump INBOX: $old -> $new (greater)" test "${new:-0}" -gt "$old"
is "$(imapc uids INBOX)" "1 2" "INBOX re-created: UIDs restart at 1"
is "$(imap_list_mailbox INBOX | cut -f1,2,3)" $'1\t$CertActionRequired\tHello 1\n2\t\\Seen\tHello 2' "... same order, flags and keywords kept"
like "$("${CURL[@]}" "$U" -X 'EXAMINE INBOX' | crlf || true)" "UIDVALIDITY $new\]" "curl EXAMINE shows the new UIDVALIDITY"
rc=0; "${CURL[@]}" "$U/INBOX;UIDVALIDITY=$old/;UID=1" >/dev/null 2>&1 || rc=$?
is "$rc" 78 "URL fetch with the old UIDVALIDITY now fails (78)"
old=$new
new=$(imap_uidvalidity_bump INBOX --keep-uids) || true
ok "imap_uidvalidity_bump --keep-uids: $old -> $new" test "${new:-0}" -gt "$old"
is "$(imapc uids INBOX)" "1 2" "... UIDs unchanged"
imap_deliver Certnotice/action-required "$T/m2.eml" >/dev/null
before=$(imap_list_mailbox Certnotice/action-required | cut -f3 | tr '\n' ,)
old=$(imap_uidvalidity Certnotice/action-required)
new=$(imap_uidvalidity_bump Certnotice/action-required --reverse) || true
after=$(imap_list_mailbox Certnotice/action-required | cut -f3 | tr '\n' ,)
ok "imap_uidvalidity_bump --reverse on a folder: $old -> $new" test "${new:-0}" -gt "$old"
is "$after" "$(printf '%s' "$before" | tr ',' '\n' | sed '/^$/d' | tac | tr '\n' ,)" "... UID 1 is now what was the last message ($after)"

# --- bulk delivery / performance ------------------------------------------
mkdir -p "$T/bulk"
for i in $(seq "$BIG"); do
    printf 'From: bulk@ca.test\nSubject: bulk %s\nMessage-ID: <b%s@ca.test>\n\nbody %s\n' "$i" "$i" "$i" > "$T/bulk/$i.eml"
done
files=(); for i in $(seq "$BIG"); do files+=("$T/bulk/$i.eml"); done
s1=$(now_s)
r=$(imap_deliver_many Bulk "${files[@]}") || true
el=$(elapsed "$s1" "$(now_s)")
is "$r" "1:$BIG" "imap_deliver_many: $BIG messages in ${el} s (doveadm import), UIDs 1:$BIG"
is "$(imap_list_mailbox Bulk | sed -n "1p;\$p" | cut -f1,3 | tr '\t\n' ' ,')" "1 bulk 1,$BIG bulk $BIG," "... in argument order"
if [ "$BIGHDR" = 1 ]; then
    rc=0; "${CURL[@]}" -D "$T/h4" "$U/Bulk" -X 'UID FETCH 1:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (FROM SUBJECT DATE MESSAGE-ID)])' >/dev/null 2>"$T/e4" || rc=$?
    is "$rc" 56 "header fetch of $BIG messages in one CUSTOMREQUEST fails: curl 56 ($(crlf < "$T/e4" | head -c 70))"
    finding "libcurl 7.88 caps the header-callback bytes of one transfer at 300 KB (CURLE_RECV_ERROR 'Too large response headers'): fetch headers in batches"
    out=$("${CURL[@]}" "$U/Bulk" -X 'UID FETCH 1:100 (UID FLAGS BODY.PEEK[HEADER.FIELDS (FROM SUBJECT DATE MESSAGE-ID)])' | crlf | grep -c FETCH) || true
    is "$out" 100 "... a batch of 100 works"
fi
if [ "$SAVES" -gt 0 ]; then
    imap_mkdir Saves
    s1=$(now_s)
    for i in $(seq "$SAVES"); do imap_doveadm save -u "$IMAP_USER" -m Saves < "$T/bulk/$(( (i - 1) % BIG + 1 )).eml"; done
    el=$(elapsed "$s1" "$(now_s)")
    is "$(imap_count Saves)" "$SAVES" "raw doveadm save x $SAVES: ${el} s ($(awk -v e="$el" -v n="$SAVES" 'BEGIN { printf "%.1f", e * 1000 / n }') ms each)"
fi
s1=$(now_s); n=0
for i in 1 2 3 4 5 6 7 8 9 10; do imap_deliver Deliver "$T/m1.eml" >/dev/null && n=$((n + 1)); done
el=$(elapsed "$s1" "$(now_s)")
is "$n" 10 "imap_deliver x 10: ${el} s ($(awk -v e="$el" 'BEGIN { printf "%.0f", e * 100 }') ms each: save + search)"

# --- restart with a client logged in ---------------------------------------
ports_before=$(cat "$D/ports"); uv_before=$(imap_uidvalidity INBOX)
python3 - "$T/py.out" <<'EOF' &
import imaplib, os, ssl, sys, time
out = open(sys.argv[1], "w")
c = imaplib.IMAP4_SSL("127.0.0.1", int(os.environ["IMAPS_PORT"]),
                      ssl_context=ssl.create_default_context(cafile=os.environ["IMAP_CACERT"]), timeout=20)
c.login(os.environ["IMAP_USER"], os.environ["IMAP_PASS"]); c.select("INBOX")
out.write("selected\n"); out.flush()
for _ in range(100):
    if os.path.exists(sys.argv[1] + ".go"): break
    time.sleep(0.1)
try:
    r = c.noop(); out.write("noop %s\n" % (r,))
except Exception as e:
    out.write("error %s: %s\n" % (type(e).__name__, e))
out.close()
EOF
pypid=$!
for i in $(seq 100); do grep -q selected "$T/py.out" 2>/dev/null && break; sleep 0.1; done
s1=$(now_s)
ok "imap_restart with a client in SELECTED state" imap_restart
echo "# imap_restart took $(elapsed "$s1" "$(now_s)") s"
touch "$T/py.out.go"; wait "$pypid" || true
like "$(cat "$T/py.out")" 'error .*(EOF|BYE|shutting down|reset)' "the old session is gone: client got '$(tail -1 "$T/py.out")'"
is "$(cat "$D/ports")" "$ports_before" "same ports after restart"
is "$(imap_uidvalidity INBOX)|$(imap_count INBOX)" "$uv_before|2" "mail and UIDVALIDITY survive the restart"
out=$("${CURL[@]}" "$U/INBOX" -X 'UID SEARCH ALL' | crlf) || true
is "$out" "* SEARCH 1 2" "new logins work after restart"

# --- stop --------------------------------------------------------------------
mpid=$(cat "$D/dovecot.pid"); wpid=$(cat "$D/watchdog.pid" 2>/dev/null || echo none)
s1=$(now_s)
imap_stop
echo "# imap_stop took $(elapsed "$s1" "$(now_s)") s"
is "$(_imap_sessprocs "$mpid" | tr '\n' ' ')" "" "imap_stop: no process left in the instance's session (master $mpid)"
is "$(ps -eo args= | grep -c "[d]ovecot-$(cat "$D/instance")/" || true)" 0 "no process titled dovecot-$(cat "$D/instance")/..."
ok "watchdog $wpid gone" not _imap_alive "$wpid"
rc=0; (exec 3<>"/dev/tcp/127.0.0.1/$IMAPS_PORT") 2>/dev/null || rc=$?
ok "imaps port closed" test "$rc" != 0
ok "imap_running is false" not imap_running

# --- watchdog: the starting shell is SIGKILLed ---------------------------------
D2=$T/dc2
IMAP_PASS_SCHEME=SHA512-CRYPT IMAP_PASS=other-secret setsid bash -c '
    set -euo pipefail
    . "$1/dovecot.sh"
    imap_start "$2"
    curl -sS --max-time 20 --cacert "$IMAP_CACERT" -u "$IMAP_USER:$IMAP_PASS" "imaps://127.0.0.1:$IMAPS_PORT/INBOX" -X NOOP > "$2/login.ok"
    echo started > "$2/child.state"
    exec sleep 600' _ "$HERE" "$D2" </dev/null >"$T/child.log" 2>&1 &
CHILD=$!
for i in $(seq 150); do [ -s "$D2/child.state" ] && break; sleep 0.1; done
ok "child shell (set -euo pipefail) started an instance" test -s "$D2/child.state"
like "$(cat "$D2/users" 2>/dev/null)" '^certtest:\{SHA512-CRYPT\}\$6\$' "IMAP_PASS_SCHEME=SHA512-CRYPT: hashed password in DIR/users"
ok "... and curl logged in with it" test -f "$D2/login.ok"
m2=$(cat "$D2/dovecot.pid" 2>/dev/null || echo 0)
kill -KILL "$CHILD"; wait "$CHILD" 2>/dev/null || true; CHILD=""
s1=$(now_s)
for i in $(seq 100); do [ -z "$(_imap_sessprocs "$m2")" ] && break; sleep 0.1; done
is "$(_imap_sessprocs "$m2" | tr '\n' ' ')" "" "after SIGKILL of that shell the watchdog stopped dovecot ($(elapsed "$s1" "$(now_s)") s)"

# --- watchdog: lifetime -----------------------------------------------------------
D3=$T/dc3
IMAP_LIFETIME=2 setsid bash -c '. "$1/dovecot.sh"; imap_start "$2"; exec sleep 600' _ "$HERE" "$D3" </dev/null >"$T/child3.log" 2>&1 &
CHILD=$!
for i in $(seq 150); do [ -s "$D3/dovecot.pid" ] && break; sleep 0.1; done
m3=$(cat "$D3/dovecot.pid" 2>/dev/null || echo 0)
for i in $(seq 100); do [ -z "$(_imap_sessprocs "$m3")" ] && break; sleep 0.1; done
is "$(_imap_sessprocs "$m3" | tr '\n' ' ')" "" "IMAP_LIFETIME=2: stopped by the watchdog although the shell lives"
kill -KILL "$CHILD" 2>/dev/null; wait "$CHILD" 2>/dev/null || true; CHILD=""

trap - ERR
done_testing
