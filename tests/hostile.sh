#!/usr/bin/env bash
# hostile.sh — mail built to hurt: every one is parsed and filtered within
# seconds, in bounded memory (≤ 3 × the mail + 64 MB), and the filter passes
# it through intact.  The mails are generated here, not stored.  TAP.
set -u
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
CN=${CERTNOTICE:-$SRCDIR/build/src/certnotice}
. "$SRCDIR/tests/tap.sh"
R=$SRCDIR/rules
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export NO_COLOR= XDG_CONFIG_HOME=$T/config
san_setup "$T"
# Under the sanitizers everything is slower and bigger: the bounds are
# checked on the plain build (CI runs both).
SLOW=${CERTNOTICE_SANITIZED:+1}
TIME_LIMIT=${SLOW:+60}
TIME_LIMIT=${TIME_LIMIT:-10}

python3 - "$T" <<'PY'
import os, sys, random
T = sys.argv[1]
random.seed(7)
head = "From: support@sakura.ad.jp\nDate: Mon, 1 Jul 2024 10:00:00 +0900\nMIME-Version: 1.0\n"
subject = "Subject: =?UTF-8?B?W+OBleOBj+OCieOCpOODs+OCv+ODvOODjeODg+ODiF3jgJDph43opoHjgJHnhKHmlplTU0zoqLzmmI7mm7gg5pu05paw44Ko44Op44O844Gr44Gk44GE44Gm?=\n"
notice = "現在ご利用中の無料SSL機能で自動更新に失敗したため証明書の発行ができませんでした。\nコモンネーム :example.com\n"
def w(name, data):
    with open(os.path.join(T, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

# thousands-deep multipart nesting
n = 20000
body = "".join(f"Content-Type: multipart/mixed; boundary=\"b{i}\"\n\n--b{i}\n" for i in range(n))
body += "Content-Type: text/plain; charset=UTF-8\n\n" + notice + "".join(f"--b{i}--\n" for i in reversed(range(n)))
w("deep-multipart.eml", head + subject + body)
# thousands-deep message/rfc822 nesting
n = 5000
body = "".join("Content-Type: message/rfc822\n\nFrom: a@b.example\nSubject: inner\n" for i in range(n))
body += "Content-Type: text/plain\n\nhello\n"
w("deep-rfc822.eml", head + subject + body)
# tens of thousands of parts
n = 50000
body = "Content-Type: multipart/mixed; boundary=\"B\"\n\n" + "".join(
    f"--B\nContent-Type: text/plain; charset=UTF-8\n\npart {i}\n" for i in range(n)) + "--B\nContent-Type: text/plain; charset=UTF-8\n\n" + notice + "--B--\n"
w("many-parts.eml", head + subject + body)
# a 30 MB line without a newline
w("long-line.eml", head + subject + "Content-Type: text/plain\n\n" + "x" * (30 << 20))
# an encoded-word flood in the subject
w("ew-flood.eml", head + "Subject: " + "=?UTF-8?B?44GC?= " * 200000 + "\n\nbody\n")
# unknown and lying charsets
w("lying-charsets.eml", (head + subject + "Content-Type: multipart/mixed; boundary=\"B\"\n\n"
   "--B\nContent-Type: text/plain; charset=x-unknown-42\n\n" + notice +
   "--B\nContent-Type: text/plain; charset=iso-2022-jp\n\n").encode() + bytes(range(256)) * 64 +
   b"\n--B\nContent-Type: text/plain; charset=utf-16\n\n\xff\xfe\x00\xd8\n--B--\n")
# NULs in headers
w("nul-headers.eml", b"From: support@sakura.ad.jp\x00evil\nSubject: a\x00b\nX-\x00: \x00\x00\n\nbody\x00\n")
# unclosed boundaries, nested
w("unclosed.eml", head + subject + "Content-Type: multipart/mixed; boundary=\"A\"\n\n--A\n"
  "Content-Type: multipart/alternative; boundary=\"B\"\n\n--B\nContent-Type: text/plain; charset=UTF-8\n\n" + notice)
# a 50 MB attachment
att = "".join(random.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789+/") for _ in range(76)) + "\n"
w("big-attachment.eml", head + subject + "Content-Type: multipart/mixed; boundary=\"B\"\n\n--B\n"
  "Content-Type: text/plain; charset=UTF-8\n\n" + notice + "--B\nContent-Type: application/octet-stream\n"
  "Content-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=x.bin\n\n" + att * ((50 << 20) // 77) + "--B--\n")
# 200,000 colons after コモンネーム
w("colons.eml", head + subject + "Content-Type: text/plain; charset=UTF-8\n\n現在ご利用中の無料SSL機能で自動更新に失敗\nコモンネーム" + ":" * 200000 + "\n")
# a header of 5 MB and 100,000 headers; a 5 MB subject
w("huge-header.eml", head + "X-Long: " + "a" * (5 << 20) + "\n" + "".join(f"X-H{i}: v\n" for i in range(100000)) + subject + "\nbody\n")
w("huge-subject.eml", head + "Subject: " + "=?UTF-8?B?44GC?= ab" * (300000) + "\n\nbody\n")
PY

# measure NAME OUT ARGS...: runs the command on $T/NAME, stdout to OUT; sets
# el (s), kb (max RSS)
measure() {
	local f=$T/$1 o=$2; shift 2
	/usr/bin/time -f '%e %M' -o "$T/time" "$@" < "$f" > "$o" 2> "$T/err"
	rc=$?
	read -r el kb < "$T/time"
}

# Run everything first, then one byte comparison of all the filter outputs
# (one python3 start-up instead of one per mail), then the TAP lines in order.
MAILS="deep-multipart deep-rfc822 many-parts long-line ew-flood lying-charsets nul-headers unclosed big-attachment colons huge-header huge-subject"
declare -A P_RC P_EL P_KB P_N F_RC F_EL F_KB
: > "$T/pairs"
for f in $MAILS; do
	measure "$f.eml" "$T/out" "$CN" parse --rules "$R" --no-verify --format json -
	P_RC[$f]=$rc P_EL[$f]=$el P_KB[$f]=$kb P_N[$f]=$(grep -c '"verdict"' "$T/out")
	measure "$f.eml" "$T/$f.filtered" "$CN" filter --rules "$R" --no-verify --max-size 100
	F_RC[$f]=$rc F_EL[$f]=$el F_KB[$f]=$kb
	printf '%s\t%s\n' "$T/$f.filtered" "$T/$f.eml" >> "$T/pairs"
done
altered=" $(strip_ours_diff "$T/pairs" | tr '\n' ' ')"
for f in $MAILS; do
	size=$(stat -c %s "$T/$f.eml")
	limit_kb=$(( (3 * size + (64 << 20)) / 1024 ))
	rc=${P_RC[$f]} el=${P_EL[$f]} kb=${P_KB[$f]}
	ok "$f ($((size / 1024)) KiB): parse gives one result (exit $rc, ${el}s, $((kb / 1024)) MiB)" \
		test "$rc" -le 1 -a "${P_N[$f]}" -ge 1
	if [ -z "$SLOW" ]; then
		ok "$f: parse within ${TIME_LIMIT}s and 3×mail+64 MB" test "$(echo "$el < $TIME_LIMIT" | bc)" = 1 -a "$kb" -le "$limit_kb"
	fi
	rc=${F_RC[$f]} el=${F_EL[$f]} kb=${F_KB[$f]}
	case $altered in *" $T/$f.filtered "*) intact=1 ;; *) intact=0 ;; esac
	ok "$f: filter passes it through intact (exit $rc, ${el}s, $((kb / 1024)) MiB)" test "$rc" = 0 -a "$intact" = 0
	if [ -z "$SLOW" ]; then
		ok "$f: filter within ${TIME_LIMIT}s and 3×mail+64 MB" test "$(echo "$el < $TIME_LIMIT" | bc)" = 1 -a "$kb" -le "$limit_kb"
	fi
done

# what the limits leave of a notice: still found where it can be
# (the subject alone names the notice; the body with the domain is what is cut)
out=$("$CN" parse --rules "$R" --no-verify --format json "$T/many-parts.eml")
is "$(printf '%s\n' "$out" | jfield domain)" null "50,000 parts: the part past the limit is not read (documented)"
out=$("$CN" parse --rules "$R" --no-verify -v "$T/many-parts.eml" 2>/dev/null)
like "$out" "MIME delimiter lines: the rest of the mail was not parsed" "… and -v says so"
out=$("$CN" parse --rules "$R" --no-verify --format json "$T/deep-multipart.eml" 2>/dev/null)
is "$(printf '%s\n' "$out" | jfield domain)" null "20,000-deep nesting: past the depth limit the body is not read (documented)"
out=$("$CN" parse --rules "$R" --no-verify "$T/unclosed.eml")
like "$out" "^[A-Z-]+ +[a-z-]+ +example\.com " "unclosed boundaries: the notice is still read"
out=$("$CN" parse --rules "$R" --no-verify "$T/big-attachment.eml")
like "$out" "^[A-Z-]+ +[a-z-]+ +example\.com " "a 50 MB attachment beside the notice: the notice is read"
out=$("$CN" parse --rules "$R" --no-verify -v "$T/long-line.eml" 2>/dev/null)
like "$out" "only the first [0-9]+ bytes of text were scanned" "-v says what a limit cut"
out=$("$CN" parse --rules "$R" --no-verify -v "$T/huge-subject.eml" 2>/dev/null)
like "$(printf '%s\n' "$out" | grep warning)" "header field longer than 65536 bytes" "… a 5 MB subject too"

san_check
done_testing
