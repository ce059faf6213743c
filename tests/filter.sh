#!/usr/bin/env bash
# filter.sh — `certnotice filter` alone: byte-exact pass-through, verdict
# headers, and the fault cases in which the mail must still arrive intact
# (inside procmail and maildrop: mda.sh).  TAP.
set -u
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
CN=${CERTNOTICE:-$SRCDIR/build/src/certnotice}
. "$SRCDIR/tests/tap.sh"
. "$SRCDIR/tests/tls/harness.sh"
S=$SRCDIR/samples
R=$SRCDIR/rules
T=$(mktemp -d)
trap 'tls_stop >/dev/null 2>&1; rm -rf "$T"' EXIT
export NO_COLOR= XDG_CONFIG_HOME=$T/config HOME=$T
san_setup "$T"

expected_verdicts "$S"/*/*.eml

FILTER="$CN filter --rules $R --no-verify --trust-authserv mx.certnotice.test"
mkdir -p "$T/out"

# ---- 1. the filter alone: every sample, byte for byte ----
n=0 bad_bytes= bad_verdict= bad_rc=
: > "$T/out.pairs"
for f in "$S"/*/*.eml; do
	n=$((n + 1))
	o=$T/out/$(sample_name "$f")
	mkdir -p "${o%/*}"
	$FILTER < "$f" > "$o" 2>>"$T/filter.err" || bad_rc="$bad_rc $(sample_name "$f")"
	printf '%s\t%s\n' "$o" "$f" >> "$T/out.pairs"
	[ "$(verdict "$o")" = "$(expected "$f")" ] || bad_verdict="$bad_verdict $(sample_name "$f"):$(verdict "$o")!=$(expected "$f")"
done
for o in $(strip_ours_diff "$T/out.pairs"); do bad_bytes="$bad_bytes ${o#$T/out/}"; done
is "$bad_rc" "" "filter exits 0 for all $n samples"
is "$bad_bytes" "" "output minus our headers is the input, byte for byte, for all $n samples"
is "$bad_verdict" "" "each notice gets the verdict header the oracle expects, other mail none"
o=$T/out/sakura/renewal-failed-crlf.eml
like "$(grep -a '^X-Certnotice' "$o" | od -c | head -3)" '\\r +\\n' "a CRLF mail gets CRLF header lines"
like "$(cat "$o")" 'X-Certnotice: provider=sakura; notice=renewal-failed; domain=example\.co\.jp' "X-Certnotice carries the details"
is "$(grep -ac '^X-Certnotice' "$T/out/negative/english-unrelated.eml")" 0 "other mail passes through with no header added"

# ---- 2. a sender cannot preset our verdict ----
{ printf 'X-Certnotice-Verdict: renewed\nX-Certnotice: provider=sakura;\n\tdomain=evil.example\nx-certnotice-extra: 1\n'; cat "$S/phishing/sakura-ne-jp-sender.eml" 2>/dev/null || cat "$(ls "$S"/phishing/*.eml | head -1)"; } > "$T/spoof.eml"
$FILTER < "$T/spoof.eml" > "$T/spoof.out"
is "$(grep -aci '^x-certnotice' "$T/spoof.out")" 2 "preset X-Certnotice* headers are removed, ours added"
is "$(verdict "$T/spoof.out")" suspicious "… and the verdict is ours"
unlike "$(cat "$T/spoof.out")" 'evil\.example|x-certnotice-extra' "… folded continuation lines go too"
{ printf 'X-Certnotice-Verdict: renewed\n'; cat "$S/negative/english-unrelated.eml"; } > "$T/spoof2.eml"
$FILTER < "$T/spoof2.eml" > "$T/spoof2.out"
cmp -s "$T/spoof2.out" "$S/negative/english-unrelated.eml"
is "$?" 0 "a preset verdict is removed from other mail as well"

# ---- a 2000-byte "domain" does not make a header line longer than RFC 5322 allows ----
long=$(head -c 2000 /dev/zero | tr '\0' a)
printf 'From: support@sakura.ad.jp\nSubject: =?UTF-8?B?W+OBleOBj+OCieOCpOODs+OCv+ODvOODjeODg+ODiF0gU1NM6Ki85piO5pu4IOabtOaWsOOCqOODqeODvA==?=\nContent-Type: text/plain; charset=UTF-8\n\n\xe3\x82\xb3\xe3\x83\xa2\xe3\x83\xb3\xe3\x83\x8d\xe3\x83\xbc\xe3\x83\xa0 :%s_x.example\n' "$long" > "$T/longdomain.eml"
$FILTER < "$T/longdomain.eml" > "$T/longdomain.out"
like "$(sed -n '/^X-Certnotice:/,/^$/p' "$T/longdomain.out" | tr -d '\n')" 'reason="the notice names .aaaa.*\.\.\.' "a huge captured value is cut in X-Certnotice (folding keeps the spaces)"
is "$(sed '/^$/q' "$T/longdomain.out" | awk '{ if (length($0) > m) m = length($0) } END { print (m <= 998) }')" 1 \
	"… so every line stays within RFC 5322's 998 octets"

# ---- 3. odd bytes: NULs, no body, no final newline, From_ line ----
printf 'From: support@sakura.ad.jp\nSubject: =?UTF-8?B?W+OBleOBj+OCieOCpOODs+OCv+ODvOODjeODg+ODiF3jgJDph43opoHjgJHnhKHmlplTU0zoqLzmmI7mm7gg5pu05paw44Ko44Op44O844Gr44Gk44GE44Gm?=' > "$T/nobody.eml"
$FILTER < "$T/nobody.eml" > "$T/nobody.out"
strip_ours "$T/nobody.out" | cmp -s - "$T/nobody.eml"
is "$?/$(verdict "$T/nobody.out")" 0/unverified "a mail without a body or final newline: only our headers are added"
is "$(head -c 21 "$T/nobody.out")" "X-Certnotice-Verdict:" "… at the top, where every reader's header section begins"
printf 'Subject: x\n\nbinary \0 with NULs \377\376 and no final newline' > "$T/nul.eml"
$FILTER < "$T/nul.eml" > "$T/nul.out"
cmp -s "$T/nul.out" "$T/nul.eml"
is "$?" 0 "NULs and 8-bit bytes pass through unchanged"
{ printf 'From sender@example.com Mon Jan  1 00:00:00 2024\n'; cat "$S/sakura/renewal-failed-iso2022jp.eml"; } > "$T/fromline.eml"
$FILTER < "$T/fromline.eml" > "$T/fromline.out"
strip_ours "$T/fromline.out" | cmp -s - "$T/fromline.eml"
is "$?/$(head -1 "$T/fromline.out" | cut -c1-5)/$(verdict "$T/fromline.out")" "0/From /unverified" "an mbox From_ line stays first"

# ---- 4. faults: the mail always arrives intact, within the budget ----
tls_start "$T/tls" "soon now-75d now+10d soon.test" "soon soon 4 tls
black - 4 blackhole" || echo "# TLS server did not start"
cat > "$T/soon.eml" <<EOF
From: support@sakura.ad.jp
Subject: =?UTF-8?B?W+OBleOBj+OCieOCpOODs+OCv+ODvOODjeODg+ODiF3jgJDph43opoHjgJHnhKHmlplTU0zoqLzmmI7mm7gg5pu05paw44Ko44Op44O844Gr44Gk44GE44Gm?=
Date: $(date -R)
Content-Type: text/plain; charset=UTF-8

現在ご利用中の無料SSL機能で自動更新に失敗したため証明書の発行ができませんでした。
コモンネーム :soon.test
EOF
sed 's/soon\.test/black.test/' "$T/soon.eml" > "$T/black.eml"
LIVE="$CN filter --rules $R --cacert $T/tls/ca.pem --connect-to $(tls_connect_to soon soon.test) --connect-to $(tls_connect_to black black.test)"

$LIVE < "$T/soon.eml" > "$T/soon.out" 2>"$T/soon.err"
is "$?/$(verdict "$T/soon.out")" 0/action-required "live: a real notice for a certificate about to expire is action-required"
like "$(cat "$T/soon.out")" 'live=expiring; live-days=9' "… with the live days in X-Certnotice"

t0=$(date +%s.%N)
$LIVE --timeout 3 < "$T/black.eml" > "$T/black.out" 2>"$T/black.err"; rc=$?
el=$(echo "$(date +%s.%N) - $t0" | bc)
is "$rc/$(verdict "$T/black.out")" 0/unverified "a TLS server that never answers: verdict unverified"
# The budget bounds the filter's own wait; process start-up and exit (slow
# under the sanitizers or on a loaded machine) come on top, so allow 2 s of
# slack: ignoring the budget would take the default 10 s budget's 7.2 s check.
ok "… within the time budget (${el}s for --timeout 3, plus 2 s for start-up)" test "$(echo "$el < 5" | bc)" = 1
strip_ours "$T/black.out" | cmp -s - "$T/black.eml"
is "$?" 0 "… and the mail intact"

$FILTER --rules "$T/nonexistent" < "$T/soon.eml" > "$T/norules.out" 2>"$T/norules.err"; rc=$?
cmp -s "$T/norules.out" "$T/soon.eml"
is "$rc/$?" 0/0 "rules dir missing: the mail passes through unchanged, exit 0"
like "$(cat "$T/norules.err")" "rules directory .*nonexistent" "… and stderr says why"
$FILTER --rules "$T/nonexistent" --tempfail < "$T/soon.eml" > "$T/norules2.out" 2>/dev/null; rc=$?
is "$rc/$(wc -c < "$T/norules2.out")" "75/0" "--tempfail: exit 75 and no output"
mkdir -p "$T/brokenrules"; cp "$R"/*.rules "$T/brokenrules/"; printf '[notice x]\nbody = (\n' >> "$T/brokenrules/sakura.rules"
$FILTER --rules "$T/brokenrules" < "$T/soon.eml" > "$T/broken.out" 2>/dev/null; rc=$?
cmp -s "$T/broken.out" "$T/soon.eml"
is "$rc/$?" 0/0 "a broken rule file: the mail passes through unchanged"
$FILTER --no-such-option < "$T/soon.eml" > "$T/badopt.out" 2>/dev/null; rc=$?
cmp -s "$T/badopt.out" "$T/soon.eml"
is "$rc/$?" 0/0 "a bad command line: the mail passes through unchanged"
printf '[certnotice]\nbogus = 1\n' > "$T/bad.conf"
$FILTER --config "$T/bad.conf" < "$T/soon.eml" > "$T/badconf.out" 2>/dev/null; rc=$?
cmp -s "$T/badconf.out" "$T/soon.eml"
is "$rc/$?" 0/0 "a bad config file: the mail passes through unchanged"

# SIGTERM once the check has connected to the black hole (the server logs the
# accept), not after a fixed sleep
accepts() { grep -c ' black accept ' "$T/tls/tlsserver.events"; }
n0=$(accepts)
$LIVE --timeout 30 < "$T/black.eml" > "$T/term.out" 2>/dev/null &
pid=$!
for i in $(seq 1 200); do [ "$(accepts)" -gt "$n0" ] && break; sleep 0.05; done
t0=$(date +%s.%N)
kill -TERM $pid
wait $pid; rc=$?
el=$(echo "$(date +%s.%N) - $t0" | bc)
strip_ours "$T/term.out" | cmp -s - "$T/black.eml"
is "$rc/$?" 0/0 "SIGTERM mid-check: the mail is written out intact"
# "at once": well before the 22 s check would end, with room for a loaded machine
ok "… at once (${el}s)" test "$(echo "$el < 3" | bc)" = 1

$LIVE < "$T/soon.eml" >&- 2>"$T/closed.err"; rc=$?
is "$rc" 74 "stdout closed: exit 74 (EX_IOERR), so the MDA keeps the original"
if command -v procmail >/dev/null; then
	rm -rf "$T/pm2"; mkdir -p "$T/pm2"
	printf 'SHELL=/bin/sh\nMAILDIR=%s\nDEFAULT=%s/\nLOGFILE=%s/log\n:0 fw\n| %s >&-\n' "$T/pm2" "$T/pm2" "$T/pm2" "$FILTER" > "$T/pm2.rc"
	procmail -m "$T/pm2.rc" < "$T/soon.eml"; rc=$?
	got=$(find "$T/pm2" -type f -path '*/new/*')
	cmp -s "$got" "$T/soon.eml"
	is "$rc/$?" 0/0 "procmail with the filter's stdout closed still delivers the mail intact"
	like "$(cat "$T/pm2/log")" "[Ff]ailed|[Ee]rror|[Rr]escue" "… and its log says the filter failed"
else
	skip "procmail stdout closed" "procmail is not installed"
fi

head -c 3000000 /dev/urandom | base64 > "$T/bigbody"
{ cat "$T/soon.eml"; cat "$T/bigbody"; } > "$T/big.eml"
$LIVE --max-size 1 < "$T/big.eml" > "$T/big.out"; rc=$?
cmp -s "$T/big.out" "$T/big.eml"
is "$rc/$?" 0/0 "mail above --max-size passes through unjudged and unchanged"

# The judging process may use no more address space than it inherited, so
# parsing the 4 MB mail fails at once.  AddressSanitizer reserves terabytes of
# address space, so there the limit cannot be tried.
if [ -n "${CERTNOTICE_SANITIZED:-}" ]; then
	skip "out of memory" "an address-space limit cannot be set under AddressSanitizer"
else
	$FILTER --max-memory 1000000 < "$T/big.eml" > "$T/oom.out" 2>"$T/oom.err"; rc=$?
	cmp -s "$T/oom.out" "$T/big.eml"
	is "$rc/$?" 0/0 "out of memory in the judging process: the mail passes through unchanged"
	like "$(cat "$T/oom.err")" "could not be judged|out of memory|died" "… and stderr says so"
fi

san_check
done_testing
