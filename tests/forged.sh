# forged.sh — mails from a stranger who presets certnotice's verdict, and
# how to count what a delivery agent then reads.  Sourced by mda.sh
# (procmail, maildrop) and sieve.sh (Dovecot Pigeonhole).

# head_of / body_of FILE: the part before / after the first empty line
head_of() { sed '/^$/q' "$1" | sed '$d'; }
body_of() { sed '1,/^$/d' "$1"; }
# forged_make DIR SAMPLES: mails that preset our verdict in every way a
# delivery agent may read as a header field (#16.1, #16.2), as DIR/NAME.eml
forged_make() {
	local F=$1 phish=$2/phishing/sakura-ne-jp-sender.eml plain=$2/negative/english-unrelated.eml
	mkdir -p "$F"
	{ printf 'X-Certnotice-Verdict : action-required\n'; cat "$phish"; } > "$F/wsp-colon.eml"
	{ printf 'X-Certnotice-Verdict\t:action-required\n'; cat "$plain"; } > "$F/tab-colon.eml"
	{ head_of "$phish"; printf 'X-Certnotice\r-Verdict: action-required\n\n'; body_of "$phish"; } > "$F/cr-in-name.eml"
	{ head_of "$phish"; printf '\r\nX-Certnotice-Verdict: action-required\n\n'; body_of "$phish"; } > "$F/crlf-line-phish.eml"
	{ head_of "$plain"; printf '\r\nX-Certnotice-Verdict: action-required\n\n'; body_of "$plain"; } > "$F/crlf-line-plain.eml"
	{ printf '\n\nX-Certnotice-Verdict: action-required\n'; cat "$plain"; } > "$F/leading-lf.eml"
	{ printf 'X-Pad: a\0b\n'; cat "$plain"; printf '\nX-Certnotice-Verdict: action-required\n'; } > "$F/nul-in-header.eml"
	{ printf 'Subject: hello\r'; for i in $(seq 700); do printf 'X-Pad: %08d\r' "$i"; done
	  printf '\nX-Certnotice-Verdict: action-required\n\nbody\n'; } > "$F/cr-first-8k.eml"
	{ head_of "$plain" | grep -v '^Content-Type'
	  printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n--b\n'
	  printf 'X-Certnotice-Verdict: action-required\nContent-Type: text/plain\n\nhello\n--b--\n'; } > "$F/mime-part-header.eml"
	{ printf 'x-CERTNOTICE-verdict:\n action-required\n'; cat "$phish"; } > "$F/folded-lowercase.eml"
	{ printf 'From evil@example.net Mon Jan  1 00:00:00 2024\nX-Certnotice-Verdict: action-required\n'; cat "$plain"; } > "$F/from-line.eml"
}
# forged_want NAME: the verdict the filter must add (that of the sample the
# forged mail was made from), or none
forged_want() {
	case $1 in
	wsp-colon|cr-in-name|crlf-line-phish|folded-lowercase) echo suspicious ;;
	*) echo none ;;
	esac
}
# count_verdicts FILE: "N:FIRST" — the fields named X-Certnotice-Verdict as
# any reader may name them (any case, CRs or white space before the colon)
# and the first one's value
count_verdicts() {
	python3 -c '
import sys
n, first = 0, ""
for line in open(sys.argv[1], "rb").read().split(b"\n"):
    if line[:1] in (b" ", b"\t") or b":" not in line:
        continue
    name, value = line.split(b":", 1)
    name = name.replace(b"\r", b"").replace(b"\0", b" ").rstrip(b" \t").lower()
    if name == b"x-certnotice-verdict":
        n += 1
        if n == 1:
            first = value.strip().decode("ascii", "replace")
print("%d:%s" % (n, first))' "$1"
}
# only_ours_removed IN OUT: OUT is IN with whole lines taken out, each of
# them naming an X-Certnotice* field or continuing one
only_ours_removed() {
	python3 -c '
import sys
a, b = open(sys.argv[1], "rb").read().split(b"\n"), open(sys.argv[2], "rb").read().split(b"\n")
i, dropping = 0, False
for line in a:
    if i < len(b) and b[i] == line:
        i += 1
        dropping = False
        continue
    name = line.replace(b"\r", b"").replace(b"\0", b" ").split(b":")[0].rstrip(b" \t").lower()
    if b":" in line and name.startswith(b"x-certnotice"):
        dropping = True
    elif not (dropping and line[:1] in (b" ", b"\t")):
        sys.exit(1)
sys.exit(0 if i == len(b) else 1)' "$1" "$2"
}
