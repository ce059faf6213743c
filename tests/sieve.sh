#!/usr/bin/env bash
# sieve.sh — docs/examples/certnotice.sieve under the real Dovecot Pigeonhole:
# dovecot-lda delivers each sample and each forged mail (tests/forged.sh)
# through `certnotice filter` (vnd.dovecot.filter) and the example files it
# by verdict; a second script counts the X-Certnotice-Verdict fields Dovecot
# itself reads.  A private configuration, no daemon, nothing under /etc.  TAP.
set -u
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
CN=${CERTNOTICE:-$SRCDIR/build/src/certnotice}
. "$SRCDIR/tests/tap.sh"
. "$SRCDIR/tests/forged.sh"
S=$SRCDIR/samples
R=$SRCDIR/rules
LDA=/usr/lib/dovecot/dovecot-lda
EXTPROG=$(ls /usr/lib/dovecot/modules/sieve/lib90_sieve_extprograms_plugin.so 2>/dev/null)
if [ ! -x "$LDA" ] || [ -z "$EXTPROG" ]; then
	echo "1..0 # SKIP dovecot-lda or Pigeonhole's extprograms plugin is missing (tools/deps.sh --test installs dovecot-sieve)"
	exit 0
fi
T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
chmod 711 "$T"
export NO_COLOR= HOME=$T
san_setup "$T/san"
mkdir -p "$T/san" "$T/filters" "$T/home"

# The LDA runs as the invoking user; as root it needs a user database (an
# auth server), so there it runs as nobody instead.
AS=()
if [ "$(id -u)" = 0 ]; then
	AS=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	dir=$(dirname "$CN")
	while [ "$dir" != / ]; do
		[ -x "$dir" ] || chmod o+x "$dir"   # the binary must be reachable
		dir=$(dirname "$dir")
	done
fi

# the filter program: the example's wrapper, with the test's options (the
# environment of an extprograms program is not the LDA's: pass what the
# sanitizers need explicitly)
cat > "$T/filters/certnotice" <<EOF
#!/bin/sh
export ASAN_OPTIONS='${ASAN_OPTIONS:-}' UBSAN_OPTIONS='${UBSAN_OPTIONS:-}' LSAN_OPTIONS='${LSAN_OPTIONS:-}' XDG_CONFIG_HOME=$T/config
exec $CN filter --rules $R --no-verify --trust-authserv mx.certnotice.test --timeout 8
EOF
chmod 755 "$T/filters/certnotice"
cp "$SRCDIR/docs/examples/certnotice.sieve" "$T/example.sieve"
cat > "$T/count.sieve" <<'EOF'
require ["vnd.dovecot.filter", "fileinto", "mailbox", "variables", "relational", "comparator-i;ascii-numeric"];
filter "certnotice";
if header :count "eq" :comparator "i;ascii-numeric" "X-Certnotice-Verdict" "0" {
  fileinto :create "Count/0";
} elsif header :count "eq" :comparator "i;ascii-numeric" "X-Certnotice-Verdict" "1" {
  if header :matches "X-Certnotice-Verdict" "*" {
    set :lower "v" "${1}";
    fileinto :create "Count/1-${v}";
  }
} else {
  fileinto :create "Count/many";
}
EOF
# conf NAME: a configuration delivering to $T/home/NAME with $T/NAME.sieve
conf() {
	cat > "$T/$1.conf" <<EOF
base_dir = $T/run-$1
log_path = $T/lda.log
info_log_path = $T/lda.log
mail_location = maildir:$T/home/$1:LAYOUT=fs
first_valid_uid = 0
protocols =
ssl = no
protocol lda {
  mail_plugins = sieve
}
plugin {
  sieve = file:$T/sieve-$1;active=$T/$1.sieve
  sieve_plugins = sieve_extprograms
  sieve_extensions = +vnd.dovecot.filter
  sieve_filter_bin_dir = $T/filters
  sieve_filter_exec_timeout = 10s
}
EOF
}
# the example, a script counting what Dovecot reads, and no script at all
conf example
conf count
conf plain
sed -i '/mail_plugins = sieve/d' "$T/plain.conf"
[ "$(id -u)" = 0 ] && chown -R 65534:65534 "$T"
mkdir -p "$T/got"
# deliver NAME FILE COPY: deliver FILE with configuration NAME and copy the
# stored file to COPY; prints the folder it went to ("INBOX" or the Sieve
# folder's name)
deliver() {
	find "$T/home/$1" -path '*/new/*' -type f -delete 2>/dev/null
	"${AS[@]}" env HOME="$T/home" USER=certtest "$LDA" -c "$T/$1.conf" -f sender@example.net < "$2" ||
		{ echo "lda-exit-$?"; return; }
	local got dir
	got=$(find "$T/home/$1" -path '*/new/*' -type f)
	cp "$got" "$3" 2>/dev/null
	dir=$(dirname "$(dirname "$got")")
	dir=${dir#"$T/home/$1"}
	echo "${dir#/}" | sed 's|^$|INBOX|'
}
# folder_for VERDICT: where the example files it
folder_for() {
	case $1 in
	action-required|expired|suspicious|renewed) echo "Certnotice/$1" ;;
	*) echo INBOX ;;
	esac
}
# judge: reads "SAMPLE FOLDER PLAIN FILTERED" lines (FOLDER where the
# example filed the mail; PLAIN and FILTERED the mail as Dovecot stored it
# without and with the filter) and prints what is wrong, else nothing.  One
# python3 for all: it starts slowly.
judge() {
	python3 -c '
import sys
sys.path.insert(0, sys.argv[1])
from mailtools import expected_verdict, strip_ours
bad = []
for line in sys.stdin:
    sample, folder, plain, filtered = line.split()
    best = expected_verdict(sample)
    want = "Certnotice/" + best if best in ("action-required", "expired", "suspicious", "renewed") else "INBOX"
    name = sample.rsplit("/", 1)[1]
    if folder != want:
        bad.append("%s:%s!=%s" % (name, folder, want))
    if strip_ours(open(filtered, "rb").read()) != open(plain, "rb").read():
        bad.append("bytes:" + name)
print(" ".join(bad))' "$SRCDIR/tests"
}

# ---- 1. every sample: filed by the example, the mail intact ----
n=0
for f in "$S"/*/*.eml; do
	n=$((n + 1))
	folder=$(deliver example "$f" "$T/got/$n.filtered")
	deliver plain "$f" "$T/got/$n.plain" > /dev/null
	echo "$f $folder $T/got/$n.plain $T/got/$n.filtered"
done > "$T/results"
is "$(judge < "$T/results")" "" "Pigeonhole: all $n samples filed by the example script, bytes = plain delivery + our headers"
unlike "$(grep -v ' Info: ' "$T/lda.log")" 'Error|Fatal|Warning' "… and Dovecot logged no error"

# ---- 2. forged verdicts: Dovecot reads ours only ----
forged_make "$T/forged" "$S"
[ "$(id -u)" = 0 ] && chown -R 65534:65534 "$T/forged"
k=0 fail= count=
for f in "$T"/forged/*.eml; do
	k=$((k + 1))
	name=$(basename "$f" .eml)
	want=$(forged_want "$name")
	got=$(deliver example "$f" /dev/null)
	[ "$got" = "$(folder_for "$want")" ] || fail="$fail $name:$got"
	case $want in none) c=Count/0 ;; *) c=Count/1-$want ;; esac
	got=$(deliver count "$f" /dev/null)
	[ "$got" = "$c" ] || count="$count $name:$got"
done
is "$fail" "" "forged verdicts ($k kinds): the example files each by our verdict alone"
is "$count" "" "… Dovecot's own header reading holds exactly one X-Certnotice-Verdict (ours), or none for other mail"

san_check
done_testing
