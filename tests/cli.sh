#!/usr/bin/env bash
# cli.sh — the certnotice command line, driven as a user would (TAP).
set -u
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
CN=${CERTNOTICE:-$SRCDIR/build/src/certnotice}
. "$SRCDIR/tests/tap.sh"
S=$SRCDIR/samples
R=$SRCDIR/rules
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export NO_COLOR= XDG_CONFIG_HOME=$T/config
san_setup "$T"

run() { # run ARGS...: sets $out, $err, $rc
	out=$("$CN" "$@" 2>"$T/err"); rc=$?; err=$(cat "$T/err")
}

# ---- parse: one sample, text and json ----
f=$S/sakura/expiry-15d-iso2022jp-python.eml
run parse --rules "$R" --no-verify "$f"
is "$rc" 0 "an unverified notice exits 0"
like "$(printf '%s\n' "$out" | head -n 1)" "^UNVERIFIED +sakura +shop\.example\.com +mail: 15 days left \(2024-06-18\) +$f\$" \
	"text: one line with the verdict, provider, domain, the mail's claim and the file"
is "$(printf '%s\n' "$out" | sed -n '2,$p')" "1 message read: 1 notice (1 unverified)" \
	"… nothing under it (an unverified notice needs no attention), then the summary"
unlike "$out" $'\033' "no colour when stdout is not a terminal"
run parse -v --rules "$R" --no-verify "$f"
like "$out" "^  notice +さくらインターネット \(Sakura Internet\) \(sakura\): expiry-warning\$" "-v: the details under the line: the notice"
like "$out" "^  account +yamada-shop\$" "… the account"
like "$out" "^  sender +support@sakura\.ad\.jp, authenticity unknown" "… the sender and whether it is authentic"
like "$out" "^  live +not checked\$" "… that the site was not checked"
like "$out" "^  what to do\$" "… what to do"
like "$out" "^    1\. サーバコントロールパネル" "… the remediation steps from rules/"
like "$out" "^    support: https://help\.sakura\.ad\.jp/\$" "… and the provider's support page"

run parse --rules "$R" --no-verify --format json "$S/sakura/expiry-15d-iso2022jp-python.eml"
is "$(printf '%s\n' "$out" | jfield notice)" expiry-warning "json: notice"
is "$(printf '%s\n' "$out" | jfield source)" "$S/sakura/expiry-15d-iso2022jp-python.eml" "json: source is the path given"
is "$(printf '%s\n' "$out" | jfield live)" null "json: live is null with --no-verify"
is "$(printf '%s\n' "$out" | python3 -c 'import sys,json; print(sorted(json.loads(sys.stdin.read())))')" \
	"['account', 'authentic', 'confidence', 'date', 'days_claimed', 'domain', 'domains', 'error', 'expires_claimed', 'live', 'message_id', 'notice', 'provider', 'reasons', 'remediation', 'source', 'support_url', 'verdict']" \
	"json: the stable field set"

# ---- exit status ----
run parse --rules "$R" --no-verify "$S/phishing/"*.eml
is "$rc" 1 "a suspicious mail exits 1"
run parse --rules "$R" --no-verify "$S/negative/"*.eml
is "$rc" 0 "mail that is not a notice exits 0"
run parse --rules "$R" --no-verify "$T/missing.eml" "$S/sakura/renewal-failed-crlf.eml"
is "$rc" 66 "an unreadable input exits 66"
like "$err" "missing\.eml: No such file" "the message names the file"
like "$out" "example\.co\.jp" "the other inputs are still judged"
run parse --rules "$T/no-rules" --no-verify "$S/sakura/renewal-failed-crlf.eml"
is "$rc" 78 "a missing rules directory exits 78"
run parse --bogus-option x
is "$rc" 64 "an unknown option exits 64"
run parse --rules "$R" --format yaml "$S/sakura/renewal-failed-crlf.eml"
is "$rc" 64 "an unknown format exits 64"
run parse --rules "$R" --now yesterday "$S/sakura/renewal-failed-crlf.eml"
is "$rc" 64 "a bad --now exits 64"
like "$err" "--now yesterday" "the message names the option"
run parse --rules "$R"
is "$rc" 64 "no PATH exits 64"
run frobnicate
is "$rc" 64 "an unknown command exits 64"

# ---- inputs: stdin, mbox, Maildir, forwarded attachment ----
out=$("$CN" parse --rules "$R" --no-verify --format json - < "$S/conoha/renewal-failed-20d-iso2022jp.eml")
is "$(printf '%s\n' "$out" | jfield domain)" example.blog "stdin (-) is read"
is "$(printf '%s\n' "$out" | jfield source)" - "stdin's source is -"

mbox=$T/box.mbox
for f in "$S/sakura/renewal-failed-iso2022jp.eml" "$S/negative/"*.eml "$S/conoha/renewal-failed-20d-iso2022jp.eml"; do
	printf 'From MAILER-DAEMON Thu Jan  1 00:00:00 2024\n' >> "$mbox"
	sed 's/\r$//; s/^From />From /' "$f" >> "$mbox"
	printf '\n' >> "$mbox"
done
nmsg=$(grep -c '^From ' "$mbox")
run parse --rules "$R" --no-verify --format json "$mbox"
is "$(printf '%s\n' "$out" | grep -c .)" "$nmsg" "an mbox gives one result per message"
is "$(printf '%s\n' "$out" | jfield index | tr '\n' ' ')" "$(seq -s ' ' 1 "$nmsg") " "mbox results carry their index"
is "$(printf '%s\n' "$out" | jfield provider | sort | uniq -c | tr -s ' ' | tr '\n' ';')" " 1 conoha; $((nmsg - 2)) null; 1 sakura;" "mbox: the two notices are found, the rest are not"

md=$T/Maildir
mkdir -p "$md/new" "$md/cur" "$md/tmp"
cp "$S/sakura/renewal-failed-utf8-base64.eml" "$md/new/1700000000.1.host"
cp "$S/negative/sakura-ssl-issued.eml" "$md/cur/1700000001.2.host:2,S"
run parse --rules "$R" --no-verify --format json "$md"
is "$(printf '%s\n' "$out" | grep -c .)" 2 "a Maildir gives one result per message in new/ and cur/"
like "$(printf '%s\n' "$out" | jfield source)" "Maildir/new/1700000000\.1\.host" "Maildir results name the message file"
mkdir -p "$T/plain-dir"
run parse --rules "$R" --no-verify "$T/plain-dir"
is "$rc" 66 "a directory that is not a Maildir exits 66"

run parse --rules "$R" --no-verify --format json "$S/sakura/forwarded-rfc822.eml"
is "$(printf '%s\n' "$out" | jfield verdict | tr '\n' ' ')" "not-a-notice unverified " "a forwarded message/rfc822 is judged on its own"
is "$(printf '%s\n' "$out" | sed -n 2p | jfield part)" 2 "the embedded message names its MIME part"

tr '\n' '\r' < "$S/sakura/renewal-failed-iso2022jp.eml" > "$T/mac.eml"
run parse --rules "$R" --no-verify --format json "$T/mac.eml"
is "$(printf '%s\n' "$out" | jfield domain)" example.com "old Mac mail (bare CR line ends) is read"
out=$("$CN" parse --rules "$R" --no-verify --format json - < "$T/mac.eml")
is "$(printf '%s\n' "$out" | jfield domain)" example.com "… from stdin too"

# ---- no message lost in a batch (issue #11): whatever one message holds ----
# a part's headers with 5,000 bytes of base64 glued on (no colon, no blank
# line): GMime's header parser cannot get past such a line
python3 - "$T/glued.eml" "$T/glued-top.eml" <<'PY'
import sys, base64
line = base64.b64encode(bytes(range(256)) * 15).decode()[:5000]
part = ("From: a@example.org\nSubject: pictures\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=b1\n\n--b1\nContent-Type: text/plain\n\nhello\n"
        "--b1\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n" + line + "\n\n--b1--\n")
open(sys.argv[1], "w").write(part)
open(sys.argv[2], "w").write("X-Broken: yes\n" + line + "\n")
PY
sed 's/\r$//' "$S/conoha/renewal-failed-20d-iso2022jp.eml" >> "$T/glued-top.eml"
run parse --rules "$R" --no-verify --format json "$T/glued-top.eml"
is "$(printf '%s\n' "$out" | jfield provider)" conoha "a notice whose headers hold a 5,000-byte line without a colon is still found"
like "$(run parse -v --rules "$R" --no-verify "$T/glued-top.eml"; printf '%s' "$out")" "without a colon: cut to 998 bytes" \
	"… and -v says what was forgiven"
mbox=$T/lossy.mbox
{
	printf 'From a@example.org Thu Jan  1 00:00:00 2024\n'; cat "$T/glued.eml"; printf '\n'
	printf 'From b@example.org Thu Jan  1 00:00:00 2024\n'; sed 's/\r$//; s/^From />From /' "$S/broken/unclosed-multipart-boundary.eml"; printf '\n'
	printf 'From c@example.org Thu Jan  1 00:00:00 2024\n'; sed 's/\r$//; s/^From />From /' "$S/conoha/renewal-failed-20d-iso2022jp.eml"; printf '\n'
} > "$mbox"
run parse --rules "$R" --no-verify --format json "$mbox"
is "$(printf '%s\n' "$out" | jfield index | tr '\n' ' ')" "1 2 3 " "an mbox with a glued part and a broken boundary: every message gives a result"
is "$(printf '%s\n' "$out" | sed -n 3p | jfield provider)" conoha "… and the notice after them is found"
{ printf '\xef\xbb\xbf'; cat "$mbox"; } > "$T/bom.mbox"
run parse --rules "$R" --no-verify --format json "$T/bom.mbox"
is "$(printf '%s\n' "$out" | jfield index | tr '\n' ' ')" "1 2 3 " "a byte order mark before the first From line: still an mbox"
run parse --rules "$R" --no-verify "$mbox"
is "$(printf '%s\n' "$out" | tail -n 1)" "3 messages read: 2 notices (2 unverified), 1 other message (1 not listed: -v lists it)" \
	"text output ends with a summary line: messages read, notices, per verdict, the others"
out=$("$CN" filter --rules "$R" --no-verify < "$T/glued-top.eml")
like "$out" "X-Certnotice-Verdict: unverified" "filter: the notice with the long line gets its verdict"

# ---- config: trusted authserv-ids ----
run parse --rules "$R" --no-verify --format json "$S/sakura/auth-pass-trusted.eml"
is "$(printf '%s\n' "$out" | jfield authentic)" null "a pass from an id nobody trusts proves nothing"
mkdir -p "$T/config/certnotice"
printf '[certnotice]\ntrusted_authserv_ids = mx.certnotice.test;\n' > "$T/config/certnotice/config"
run parse --rules "$R" --no-verify --format json "$S/sakura/auth-pass-trusted.eml"
is "$(printf '%s\n' "$out" | jfield authentic)" true "the config's trusted authserv-id makes it authentic"
printf '[certnotice]\ncolour = yes\n' > "$T/bad.conf"
run parse --config "$T/bad.conf" --rules "$R" --no-verify "$S/sakura/auth-pass-trusted.eml"
is "$rc" 78 "an unknown config key exits 78"
like "$err" "bad.conf:2: \[certnotice\] colour: unknown key" "and says which, with file and line"
rm -rf "$T/config"

# ---- rules check / list / test ----
run rules check "$R"
is "$rc" 0 "rules check: shipped rules are valid"
like "$out" "2 providers, 4 notice kinds: ok|[0-9]+ providers, [0-9]+ notice kinds: ok" "rules check reports what it loaded"
mkdir -p "$T/badrules"
cp "$R"/*.rules "$T/badrules/"
printf '\n[notice broken]\nbody = (unclosed\nwhat = ever\n' >> "$T/badrules/sakura.rules"
run rules check "$T/badrules"
is "$rc" 78 "rules check: a broken file exits 78"
line=$(grep -n '^body = (unclosed' "$T/badrules/sakura.rules" | cut -d: -f1)
like "$err" "sakura\.rules:$line: \[notice broken\] body: bad pattern at offset 9" "the error names file, line and PCRE2 offset"
like "$err" "sakura\.rules:$((line + 1)): \[notice broken\]: unknown key 'what'" "every problem is listed"
run parse --rules "$T/badrules" --no-verify "$S/sakura/renewal-failed-crlf.eml"
is "$rc" 78 "parse with broken rules exits 78"
run rules list --rules "$R"
like "$out" "^conoha" "rules list shows conoha"
like "$out" "sakura.*sakura\.ad\.jp" "rules list shows sakura and its sender domain"
like "$out" "  expiry-warning" "rules list shows notice kinds"
run rules test --rules "$R" "$S/conoha/renewal-failed-20d-iso2022jp.eml"
like "$out" 'domain = "example\.blog"' "rules test shows what each pattern captured"
like "$out" '=> conoha / renewal-failed' "rules test says which rule matched"
like "$(printf '%s\n' "$out" | tail -n 1 | jfield confidence)" high "a rule match is a notice with high confidence"
run rules list --rules "$R"
like "$out" "generic.*from any sender" "rules list shows the generic detector"
like "$out" "-12 success-subject" "… with the weight of each piece of evidence"
run rules test -v --rules "$R" "$S/generic/en-expiry-7-days.eml"
like "$out" '\+3 domain +match' "rules test -v shows what the generic detector counted"
like "$out" 'score 16 \(a notice from 11\)' "… and its score"
like "$out" '=> generic / expiry-warning' "… and that it made a notice"

# ---- a new provider is a new file, no rebuild ----
mkdir -p "$T/myrules"
cp "$R"/*.rules "$T/myrules/"
cat > "$T/myrules/demo.rules" <<'RULES'
[provider]
id = demo
name = Demo Hosting
sender_domains = demo-hosting.example;
support_url = https://demo-hosting.example/help
remediation = log in;press renew;

[notice renewal-failed]
subject = certificate renewal failed
body = could not renew the certificate for (?<domain>\S+)
RULES
printf 'From: ops@demo-hosting.example\nSubject: Your certificate renewal failed\nDate: Tue, 2 Jan 2024 10:00:00 +0000\n\nWe could not renew the certificate for www.demo-site.example today.\n' > "$T/demo.eml"
run parse --rules "$T/myrules" --no-verify --format json "$T/demo.eml"
is "$(printf '%s\n' "$out" | jfield provider)/$(printf '%s\n' "$out" | jfield domain)" "demo/www.demo-site.example" "a provider added as a file is recognised"

# ---- layered rules: the user's directory adds and overrides ----
mkdir -p "$T/config/certnotice/rules"
cp "$T/myrules/demo.rules" "$T/config/certnotice/rules/"
sed 's/^name = .*/name = My Sakura/' "$R/sakura.rules" > "$T/config/certnotice/rules/sakura.rules"
run parse --no-verify --format json "$T/demo.eml" "$S/sakura/renewal-failed-crlf.eml"
is "$(printf '%s\n' "$out" | jfield provider | tr '\n' ' ')" "demo sakura " \
	"a rules file in \$XDG_CONFIG_HOME/certnotice/rules adds a provider to the shipped ones"
run rules list
like "$out" "demo.*\(user: $T/config/certnotice/rules/demo\.rules\)" "rules list says where a provider came from"
like "$out" "sakura	My Sakura.*\(user: " "… and a user file of the same name overrides the shipped one"
like "$out" "conoha.*\(shipped: " "… the others are shipped"
run parse --rules "$R" --no-verify --format json "$T/demo.eml"
is "$(printf '%s\n' "$out" | jfield provider)" generic "--rules DIR replaces every layer (the user's demo rule is not read: only the generic detector takes the mail)"
rm -rf "$T/config"
out=$(cd / && "$CN" rules check 2>&1); rc=$?
is "$rc" 0 "a binary run from its build tree finds the shipped rules from any directory"

# ---- the user's config adds sender domains to a shipped provider ----
run parse --rules "$R" --no-verify --format json "$S/phishing/sakura-ne-jp-sender.eml"
is "$(printf '%s\n' "$out" | jfield verdict)" suspicious "a sender outside sender_domains is suspicious"
printf '[provider sakura]\nsender_domains = sakura.ne.jp;\n' > "$T/extra.conf"
run parse --config "$T/extra.conf" --rules "$R" --no-verify --format json "$S/phishing/sakura-ne-jp-sender.eml"
is "$(printf '%s\n' "$out" | jfield verdict)" unverified "… unless the user's config adds that domain"
printf '[provider nosuch]\nsender_domains = x.example;\n' > "$T/extra2.conf"
run parse --config "$T/extra2.conf" --rules "$R" --no-verify "$S/phishing/sakura-ne-jp-sender.eml"
is "$rc" 78 "an unknown provider in the config exits 78"
# a local provider (certbot: cron mail from the user's own hosts): not checked until declared
run parse --rules "$R" --no-verify --format json "$S/certbot/renewal-failed-quiet-debian-cron.eml"
is "$(printf '%s\n' "$out" | jfield verdict)/$(printf '%s\n' "$out" | jfield authentic)" unverified/null \
	"a certbot notice from a host nobody declared: unverified, authenticity unknown (not suspicious)"
like "$out" 'sender is not checked.*\[provider certbot\] sender_domains' "… and the reason says how to declare the host"
printf '[provider certbot]\nsender_domains = web1.example.net;\n' > "$T/local.conf"
run parse --config "$T/local.conf" --rules "$R" --no-verify --format json "$S/certbot/renewal-failed-quiet-debian-cron.eml"
is "$(printf '%s\n' "$out" | jfield verdict)/$(printf '%s\n' "$out" | jfield reasons)" "unverified/[]" \
	"… from the host the config declares: genuine, no reason"
run parse --config "$T/local.conf" --rules "$R" --no-verify --format json "$S/certbot/renewal-failed-mixed-two-lineages.eml"
is "$(printf '%s\n' "$out" | jfield verdict)" suspicious "… once declared, a certbot notice from another host is suspicious"
run rules list --config "$T/local.conf" --rules "$R"
like "$out" '^certbot	certbot \(cron\)	from web1\.example\.net	' "rules list shows the declared host"
run rules list --rules "$R"
like "$out" '^acme-sh	acme\.sh	from your own hosts \(none declared\)	' "… and 'your own hosts' while none is declared"
run rules test -v --rules "$R" "$S/sakura/expiry-15d-html-only.eml"
like "$out" '  \| .*コモンネーム' "rules test -v shows the body as the patterns see it"

# ---- nothing from a mail reaches the terminal as a control sequence ----
printf 'From: support@sakura.ad.jp\nSubject: =?UTF-8?B?W+OBleOBj+OCieOCpOODs+OCv+ODvOODjeODg+ODiF0gU1NM6Ki85piO5pu4IOabtOaWsOOCqOODqeODvA==?=\nContent-Type: text/plain; charset=UTF-8\n\n\xe3\x83\xac\xe3\x83\xb3\xe3\x82\xbf\xe3\x83\xab\xe3\x82\xb5\xe3\x83\xbc\xe3\x83\x90\xe3\x82\xa2\xe3\x82\xab\xe3\x82\xa6\xe3\x83\xb3\xe3\x83\x88:a\033[2Jb\xc2\x9b31m\n' > "$T/esc.eml"
run parse -v --rules "$R" --no-verify "$T/esc.eml"
like "$out" "account +a\?\[2Jb\?31m" "control characters from a mail are shown as ?"
unlike "$out" $'\033' "… no escape reaches the terminal"

# ---- text output for people: a line per message, details where needed ----
# cols FILE: the terminal column at which each line's path (FILE) starts,
# counting East Asian wide characters as two
cols() { python3 -c '
import sys, unicodedata
for line in sys.stdin:
    i = line.find(sys.argv[1])
    if i > 0 and not line.startswith(" "):
        print(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line[:i]))
' "$1" | sort -u | wc -l; }
four=("$S/sakura/expiry-15d-iso2022jp-python.eml" "$S/phishing/sakura-ne-jp-sender.eml"
	"$S/negative/english-unrelated.eml" "$S/conoha/renewal-failed-20d-iso2022jp.eml")
run parse --rules "$R" --no-verify "${four[@]}"
is "$rc" 1 "four mails, one suspicious: exit 1"
is "$(printf '%s\n' "$out" | grep -v '^ ' | grep -v '^$' | cut -c1-12 | tr -s ' ' | tr '\n' '|')" \
	"UNVERIFIED |SUSPICIOUS |not a notice|UNVERIFIED |4 messages r|" "a line per mail, in order, then the summary"
like "$out" "^not a notice +Planning meeting moved to Thursday +$S/negative/english-unrelated\.eml\$" \
	"a file named on the command line that is not a notice gets a line, with its subject"
is "$(printf '%s\n' "$out" | awk '/^[^ ]/ { head = $1 } /^  / { print head }' | sort -u)" SUSPICIOUS \
	"details only under the line that needs attention"
like "$out" "^  why +From domain sakura\.ne\.jp is not a genuine sender domain of sakura" "… why"
like "$out" "^  sender +support@sakura\.ne\.jp, NOT authentic\$" "… the sender, not authentic"
like "$out" "^  live +not checked: the names in suspicious mail are contacted only with --check-suspicious\$" \
	"… that its site was not contacted, and why"
like "$out" "^    Do not follow links in this mail" "… what to do about a suspicious mail"
like "$out" "^    genuine support: https://help\.sakura\.ad\.jp/\$" "… and where the genuine provider helps"
unlike "$out" "^    1\. " "a suspicious mail gets no fix steps (it is not the provider speaking)"
is "$(printf '%s\n' "$out" | grep -c '^$')" 1 "a block of details ends with an empty line"
is "$(printf '%s\n' "$out" | tail -n 1)" "4 messages read: 3 notices (1 suspicious, 2 unverified), 1 other message" \
	"the summary: messages read, notices per verdict, the others"
is "$(printf '%s\n' "$out" | cols "$S/")" 1 "the columns line up: every path starts at the same column"
unlike "$out" "live:" "no live column with --no-verify"

# on a terminal (script(1) gives it one)
cmd=$(printf '%q ' "$CN" parse --rules "$R" --no-verify "${four[@]}")
out=$(script -qec "$cmd" /dev/null | tr -d '\r')
like "$out" $'^\033\\[1;35mSUSPICIOUS\033\\[0m +sakura' "on a terminal the verdict is coloured"
is "$(printf '%s\n' "$out" | sed 's/\x1b\[[0-9;]*m//g' | cols "$S/")" 1 "… and the columns still line up"
out=$(NO_COLOR=1 script -qec "$cmd" /dev/null | tr -d '\r')
unlike "$out" $'\033' "NO_COLOR: no colour on a terminal either"
like "$out" "^SUSPICIOUS +sakura" "… the same lines"

md=$T/Maildir2
mkdir -p "$md/new" "$md/cur" "$md/tmp"
cp "$S/phishing/sakura-ne-jp-sender.eml" "$md/new/1700000000.1.host"
cp "$S/negative/english-unrelated.eml" "$md/cur/1700000001.2.host:2,S"
cp "$S/negative/sakura-ssl-issued.eml" "$md/cur/1700000002.3.host:2,S"
run parse --rules "$R" --no-verify "$md"
is "$(printf '%s\n' "$out" | grep -c '^[^ ]')" 2 "a Maildir: its notice gets a line, its other mails do not"
is "$(printf '%s\n' "$out" | tail -n 1)" "3 messages read: 1 notice (1 suspicious), 2 other messages (2 not listed: -v lists them)" \
	"… the summary counts them"
run parse -v --rules "$R" --no-verify "$md"
is "$(printf '%s\n' "$out" | grep -c '^not a notice ')" 2 "-v lists them"
is "$(printf '%s\n' "$out" | tail -n 1)" "3 messages read: 1 notice (1 suspicious), 2 other messages" "… and the summary says so"
out=$("$CN" parse --rules "$R" --no-verify - < "$S/negative/english-unrelated.eml")
like "$out" "^not a notice +Planning meeting moved to Thursday +-\$" "a single mail on stdin that is not a notice says so"

# ---- in Japanese under a Japanese locale; English stays the default ----
ok "the ja_JP.UTF-8 locale exists (tools/deps.sh --test makes it)" \
	test -n "$(locale -a 2>/dev/null | grep -ix 'ja_JP\.utf-\?8')"
ja() { LC_ALL=ja_JP.UTF-8 "$CN" "$@"; }
out=$(ja parse --rules "$R" --no-verify "${four[@]}" 2>&1)
like "$out" "^不審 +sakura +example\.com +$S/phishing" "LC_ALL=ja_JP.UTF-8: the verdict in Japanese"
like "$out" "^未確認 +sakura +shop\.example\.com +通知: 残り 15 日 \(2024-06-18\) +$S/sakura" "… the mail's claim"
like "$out" "^通知ではない +Planning meeting" "… a mail that is not a notice"
like "$out" "^  理由 +From のドメイン sakura\.ne\.jp は sakura の正規の送信元ドメイン \(sakura\.ad\.jp\) ではありません\$" \
	"… the labels of the details, and the sender check's reason"
like "$out" "^  送信者 +support@sakura\.ne\.jp、正規ではない\$" "… the sender"
like "$out" "^  対処方法\$" "… what to do"
like "$out" "^    正規のサポート: https://help\.sakura\.ad\.jp/\$" "… where to get help"
is "$(printf '%s\n' "$out" | tail -n 1)" "4 通を読みました: 通知 3 通 (不審 1、未確認 2)、ほかのメール 1 通" "… the summary"
is "$(printf '%s\n' "$out" | cols "$S/")" 1 "… the columns line up with wide characters"
out=$(ja parse -v --rules "$R" --no-verify "$S/sakura/expiry-15d-iso2022jp-python.eml")
like "$out" "^  対処方法\$" "-v in Japanese: the label around Japanese fix steps is Japanese"
like "$out" "^    1\. サーバコントロールパネル" "… the fix steps as the rules give them"
like "$out" "^    サポート: https://help\.sakura\.ad\.jp/\$" "… the support page"
out=$(ja parse -v --rules "$R" --no-verify "$S/sakura/renewal-failed-no-domain.eml")
like "$out" "^  理由 +通知にドメインがないため、確認できません\$" "a reason in Japanese"
is "$(ja parse --rules "$R" --no-verify --format json "$S/sakura/renewal-failed-no-domain.eml" | jfield reasons)" \
	'["no domain in the notice: nothing to check"]' "… and in English in JSON"
# the reasons: the sender checks', the rules engine's
out=$(ja parse -v --rules "$R" --no-verify "$S/phishing/sakura-trusted-dkim-fail.eml")
like "$out" "^  理由 +mx\.certnotice\.test の Authentication-Results が dkim=fail, dmarc=fail, spf=fail を報告しています\$" \
	"an Authentication-Results failure in Japanese"
is "$(ja parse --rules "$R" --no-verify --format json "$S/phishing/sakura-trusted-dkim-fail.eml" | jfield reasons)" \
	'["Authentication-Results from mx.certnotice.test reports dkim=fail, dmarc=fail, spf=fail"]' "… and in English in JSON"
out=$(ja parse -v --rules "$R" --no-verify "$S/phishing/conoha-fullwidth-from-domain.eml")
like "$out" "^  理由 +From のドメイン ｃｏｎｏｈａ．ｊｐ は conoha\.jp に似せたもので、そのドメインそのものではありません。" \
	"a look-alike From domain in Japanese"
out=$(ja parse -v --rules "$R" --no-verify "$S/letsencrypt/expiry-2023-wildcard.eml")
like "$out" "^  理由 +通知にはワイルドカード \*\.example\.com が書かれています。example\.com そのものを確認します" \
	"the rules engine's reason (a wildcard) in Japanese"
mkdir -p "$T/limit"
cat > "$T/limit/demo.rules" <<'EOF'
[provider]
id = demo
name = Demo
support_url = https://demo.example/
sender_domains = demo.example
remediation = Renew it.

[notice x]
body = ^(a+)+$

[notice y]
subject = ^s$
domain = (?<domain>shop\.example)
EOF
printf 'From: x@demo.example\nSubject: s\n\n%s\nshop.example\n' "$(printf 'a%.0s' $(seq 40))b" > "$T/limit.eml"
out=$(ja parse -v --rules "$T/limit" --no-verify "$T/limit.eml")
like "$out" "^  理由 +パターン 'body' \(9 行目\) の照合を打ち切りました: match limit exceeded\$" \
	"a pattern that gave up at the match limit: the reason in Japanese (PCRE2's words as they are)"
is "$(ja parse --rules "$T/limit" --no-verify --format json "$T/limit.eml" | jfield reasons)" \
	"[\"pattern 'body' (line 9) gave up: match limit exceeded\"]" "… and in English in JSON"
# the same pattern giving up where no kind matches: not a notice, and -v
# says why (else a notice the pattern would have found is missed unseen)
printf 'From: x@demo.example\nSubject: other\n\n%s\n' "$(printf 'a%.0s' $(seq 40))b" > "$T/limit-only.eml"
out=$("$CN" parse --rules "$T/limit" --no-verify "$T/limit-only.eml" 2>/dev/null)
like "$out" "^not a notice +other " "a pattern that gave up and no notice: not a notice"
unlike "$out" "gave up" "… its reason only with -v"
out=$("$CN" parse -v --rules "$T/limit" --no-verify "$T/limit-only.eml" 2>/dev/null)
like "$out" "^  why +pattern 'body' \(line 9\) gave up: match limit exceeded\$" "-v: a not-a-notice result shows why"
out=$(ja parse -v --rules "$T/limit" --no-verify "$T/limit-only.eml" 2>/dev/null)
like "$out" "^  理由 +パターン 'body' \(9 行目\) の照合を打ち切りました: match limit exceeded\$" "… in Japanese"
# … and in an attached part, under the notice that speaks for the mail
python3 - "$T/limit-only.eml" > "$T/limit-att.eml" <<'PY'
import sys, email
from email.message import EmailMessage
m = EmailMessage()
m["From"] = "x@demo.example"
m["Subject"] = "s"
m.set_content("shop.example\n")
m.add_attachment(email.message_from_binary_file(open(sys.argv[1], "rb")))
sys.stdout.buffer.write(m.as_bytes())
PY
out=$("$CN" parse -v --rules "$T/limit" --no-verify "$T/limit-att.eml" 2>/dev/null)
like "$(printf '%s\n' "$out" | grep -A1 '^  also')" "^  also +part 2: not a notice
 +pattern 'body' \(line 9\) gave up: match limit exceeded\$" "-v: an attached part's not-a-notice result shows why too"
# errors: the config's and the rule files', FILE:LINE as they are
printf '[certnotice]\n\n[imap]\ninterval = 0\n' > "$T/ja.conf"
out=$(ja parse --config "$T/ja.conf" --rules "$R" --no-verify "$S/negative/english-unrelated.eml" 2>&1); rc=$?
is "$rc" 78 "a config error under a Japanese locale still exits 78"
is "$out" "certnotice: 設定ファイル $T/ja.conf:4: [imap] interval: '0': 秒数を 1 から 86400 で指定してください" \
	"… and says so in Japanese, with FILE:LINE, group and key as they are"
mkdir -p "$T/ja-rules"
printf '[provider]\nid = x\nname = X\nsupport_url = https://x.example/\nsender_domains = x.example\nremediation = a\n\n[notice k]\nsubject = (unclosed\n' \
	> "$T/ja-rules/x.rules"
out=$(ja rules check "$T/ja-rules" 2>&1); rc=$?
is "$rc" 78 "a rule file error under a Japanese locale still exits 78"
is "$out" "$T/ja-rules/x.rules:9: [notice k] subject: パターンの位置 9 に誤りがあります: missing closing parenthesis" \
	"… and says so in Japanese, with FILE:LINE"
like "$(ja rules check "$R")" "^$R: プロバイダ [0-9]+ 件、通知の種類 [0-9]+ 件: 正常\$" "rules check in Japanese"
out=$(ja parse --help)
like "$out" "PATH… — 保存されたメールを判定する" "--help in Japanese: what the command does"
like "$out" "--no-verify +サイトの証明書を実際には確認しない" "… the options"
like "$(ja --help)" "^使い方: certnotice COMMAND" "certnotice --help in Japanese"
like "$(ja --help)" "^  parse PATH… +保存されたメールを判定する" "… with every command"
like "$(ja check --help)" "--from=FILE +FILE からドメインを読む" "check --help in Japanese"
like "$(ja filter --help </dev/null)" "--tempfail +内部で失敗したとき" "filter --help in Japanese"
like "$(ja rules --help)" "ルールファイル" "rules --help in Japanese"
like "$(ja imap --help)" "--once +1 回だけ巡回して終わる" "imap --help in Japanese"
like "$(ja parse --rules "$R" 2>&1)" "PATH が指定されていません" "a usage error in Japanese"
like "$(ja parse --rules "$R" --format yaml "$S/sakura/renewal-failed-crlf.eml" 2>&1)" "text か json を指定してください" \
	"… a bad option value"
out=$(LC_ALL=C.UTF-8 LANGUAGE=ja "$CN" parse --rules "$R" --no-verify "${four[@]}")
like "$out" "^不審 +sakura" "LANGUAGE=ja with C.UTF-8 gives Japanese too"
out=$(CERTNOTICE_LOCALEDIR=$T/no-locales LC_ALL=ja_JP.UTF-8 "$CN" parse --rules "$R" --no-verify "${four[@]}")
like "$out" "^SUSPICIOUS +sakura" "no catalog (\$CERTNOTICE_LOCALEDIR elsewhere): English"
is "$(ja parse --rules "$R" --no-verify --format json "${four[@]}" | md5sum)" \
	"$("$CN" parse --rules "$R" --no-verify --format json "${four[@]}" | md5sum)" "JSON is the same under a Japanese locale"
is "$(ja filter --rules "$R" --no-verify < "$S/phishing/sakura-ne-jp-sender.eml" | md5sum)" \
	"$("$CN" filter --rules "$R" --no-verify < "$S/phishing/sakura-ne-jp-sender.eml" | md5sum)" \
	"filter's X-Certnotice headers are the same under a Japanese locale"
# the front sets the locale on first need only (src/i18n.h): each message it
# gives is still in the user's language, GLib's and glibc's words too, as
# the full program (which sets it at start) gives them
M=$S/negative/english-unrelated.eml
printf 'garbage line\n' > "$T/glib.conf"
first_line() { "$@" 2>&1 >/dev/null | head -1; }
want=$(first_line ja parse --config "$T/glib.conf" "$M")
like "$want" "^certnotice: 設定ファイル $T/glib.conf:1: .*garbage line" "parse: GKeyFile's error in the config, under a Japanese locale"
is "$(first_line ja filter --config "$T/glib.conf" < "$M")" "$want" "filter: the same words (the front's locale set before it reads the config again)"
is "$(ja filter --config "$T/glib.conf" < "$M" 2>/dev/null | md5sum)" "$(md5sum < "$M")" "… and the mail passed through unchanged"
is "$(first_line ja filter --config "$T/ja.conf" < "$M")" \
	"certnotice: 設定ファイル $T/ja.conf:4: [imap] interval: '0': 秒数を 1 から 86400 で指定してください" "filter: our config error in Japanese"
want=$(first_line ja parse --bogus | sed 's/^certnotice: //')
like "$(first_line ja filter --bogus < "$M")" "^certnotice filter: 使い方の誤り: $want: " "filter: GOption's unknown-option error as parse words it"
is "$(first_line ja filter --timeout 0 < "$M")" "certnotice: --timeout 0: 0 < 秒数 <= 3600 で指定してください" \
	"filter --timeout 0: refused (the live check's share was 0.2 s), in Japanese"
want=$(LC_ALL=ja_JP.UTF-8 cat / 2>&1 | sed 's|^cat: /: ||')
is "$(first_line ja filter < /)" "certnotice filter: メールを読めません: $want" "filter: glibc's strerror in Japanese too"
is "$(ja filter --connect-to 例え.jp:443:127.0.0.1:1 --no-verify < "$M" 2>&1 | md5sum)" "$(md5sum < "$M")" \
	"filter: a non-ASCII option value (GOption converts it from the locale's charset)"
is "$(first_line "$CN" filter --bogus < "$M")" "certnotice filter: usage: Unknown option --bogus: passing the mail through unchanged" \
	"filter without a locale: English"
ok "po/ja.po: msgfmt --check accepts it (formats match their msgids)" msgfmt --check -o /dev/null "$SRCDIR/po/ja.po"
(cd "$SRCDIR" && xgettext --from-code=UTF-8 -k_ -kN_ -kC_:1c,2 -kNC_:1c,2 -kg_dngettext:2,3 \
	-f po/POTFILES -o "$T/now.pot" 2>"$T/xgettext.err")
ok "po/ja.po translates every marked string of the sources (msgcmp)" msgcmp "$SRCDIR/po/ja.po" "$T/now.pot"

# ---- check: usage ----
run check
is "$rc" 64 "check without a domain exits 64"
run check --connect-to nonsense example.com
is "$rc" 64 "a malformed --connect-to exits 64"
run check 'not a domain'
is "$rc" 64 "check rejects what is not a domain"

# ---- certnotice(1) lists every exit status the code can return ----
# The code's statuses: every CN_EXIT_* a source file uses (numbers from
# certnotice.h) and every EX_* a source file defines for itself.
codes=$(
	for n in $(grep -ho 'CN_EXIT_[A-Z_]*' "$SRCDIR"/src/*.c | sort -u); do
		v=$(sed -n "s/^ *$n = \([0-9]*\),.*/\1/p" "$SRCDIR/src/certnotice.h")
		echo "${v:-$n?}"
	done
	sed -n 's/^#define EX_[A-Z]* \([0-9]*\)$/\1/p' "$SRCDIR"/src/*.c
)
codes=$(printf '%s\n' $codes | sort -u | sort -n | tr '\n' ' ')
# (each status once: a duplicate entry shows as a mismatch)
listed=$(awk '/^\.SH / { on = /^\.SH EXIT STATUS/ } on && /^\.B [0-9]+$/ { print $2 }' "$SRCDIR/docs/certnotice.1" | sort -n | tr '\n' ' ')
like "$codes" '^0 1 64 .*78 $' "the exit statuses are found in the code ($codes)"
is "$listed" "$codes" "certnotice(1) EXIT STATUS lists exactly the statuses the code can return"

san_check
done_testing
