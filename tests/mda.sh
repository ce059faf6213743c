#!/usr/bin/env bash
# mda.sh — `certnotice filter` inside the real procmail and maildrop: every
# sample delivered, routed by its verdict header, and byte for byte the plain
# delivery plus our headers.  TAP.
set -u
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
CN=${CERTNOTICE:-$SRCDIR/build/src/certnotice}
. "$SRCDIR/tests/tap.sh"
S=$SRCDIR/samples
R=$SRCDIR/rules
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export NO_COLOR= XDG_CONFIG_HOME=$T/config HOME=$T
san_setup "$T"
expected_verdicts "$S"/*/*.eml

FILTER="$CN filter --rules $R --no-verify --trust-authserv mx.certnotice.test"

# ---- 1. procmail: deliver, route by verdict, compare with plain delivery ----
# The baseline goes through an identity filter (cat): procmail appends a
# newline to the text any "fw" filter returns, whatever the filter is.
mkdir -p "$T/pm/plain" "$T/pm/filtered"
cat > "$T/pm/plain.rc" <<EOF
SHELL=/bin/sh
MAILDIR=$T/pm/plain
DEFAULT=$T/pm/plain/
LOGFILE=$T/pm/plain.log
:0 fw
| cat
EOF
cat > "$T/pm/filter.rc" <<EOF
SHELL=/bin/sh
MAILDIR=$T/pm/filtered
DEFAULT=$T/pm/filtered/
LOGFILE=$T/pm/filter.log
:0 fw
| $FILTER
:0
* ^X-Certnotice-Verdict: \/[a-z-]+
.\$MATCH/
EOF
if command -v procmail >/dev/null; then
	fail=
	: > "$T/pm/pairs"
	for f in "$S"/*/*.eml; do
		rm -rf "$T/pm/plain/new" "$T/pm/plain/cur" "$T/pm/plain/tmp"
		procmail -m "$T/pm/plain.rc" < "$f" || fail="$fail plain:$(basename "$f")"
		rm -rf "$T/pm/filtered"; mkdir -p "$T/pm/filtered"
		procmail -m "$T/pm/filter.rc" < "$f" || fail="$fail filtered:$(basename "$f")"
		want=$(expected "$f")
		got=$(find "$T/pm/filtered" -type f -path '*/new/*')
		case $want in none) dir="$T/pm/filtered/new" ;; *) dir="$T/pm/filtered/.$want/new" ;; esac
		[ "$(dirname "$got")" = "$dir" ] || fail="$fail route:$(basename "$f")->${got#$T/pm/filtered/}"
		# both deliveries kept aside, compared all at once below
		k=$T/pm/keep/$(sample_name "$f")
		mkdir -p "${k%/*}"
		mv -- "$got" "$k.filtered" 2>/dev/null; mv -- "$(find "$T/pm/plain" -type f)" "$k.plain" 2>/dev/null
		printf '%s\t%s\n' "$k.filtered" "$k.plain" >> "$T/pm/pairs"
	done
	for k in $(strip_ours_diff "$T/pm/pairs"); do k=${k%.filtered}; fail="$fail bytes:${k##*/}"; done
	is "$fail" "" "procmail: every sample delivered, routed by verdict, bytes = plain delivery + our headers"
else
	skip "procmail" "procmail is not installed"
fi

# ---- 2. maildrop ----
if command -v maildrop >/dev/null; then
	md=$T/md
	mkdir -p "$md/plain" "$md/filtered"
	for d in plain filtered filtered/.suspicious filtered/.unverified filtered/.action-required filtered/.expired filtered/.renewed; do
		mkdir -p "$md/$d/cur" "$md/$d/new" "$md/$d/tmp"
	done
	printf 'xfilter "cat"\nto "%s/plain/"\n' "$md" > "$md/plain.filter"
	cat > "$md/filter.filter" <<EOF
xfilter "$FILTER"
if (/^X-Certnotice-Verdict: *([a-z-]+)/)
{
  to "$md/filtered/.\$MATCH1/"
}
to "$md/filtered/"
EOF
	chmod 600 "$md/plain.filter" "$md/filter.filter"
	fail=
	: > "$md/pairs"
	for f in "$S"/*/*.eml; do
		find "$md/plain" "$md/filtered" -type f -path '*/new/*' -delete
		maildrop "$md/plain.filter" < "$f" || fail="$fail plain:$(basename "$f")"
		maildrop "$md/filter.filter" < "$f" || fail="$fail filtered:$(basename "$f")"
		want=$(expected "$f")
		got=$(find "$md/filtered" -type f -path '*/new/*')
		case $want in none) dir="$md/filtered/new" ;; *) dir="$md/filtered/.$want/new" ;; esac
		[ "$(dirname "$got")" = "$dir" ] || fail="$fail route:$(basename "$f")->${got#$md/}"
		# both deliveries kept aside, compared all at once below
		k=$md/keep/$(sample_name "$f")
		mkdir -p "${k%/*}"
		mv -- "$got" "$k.filtered" 2>/dev/null; mv -- "$(find "$md/plain" -type f -path '*/new/*')" "$k.plain" 2>/dev/null
		printf '%s\t%s\n' "$k.filtered" "$k.plain" >> "$md/pairs"
	done
	for k in $(strip_ours_diff "$md/pairs"); do k=${k%.filtered}; fail="$fail bytes:${k##*/}"; done
	is "$fail" "" "maildrop: every sample delivered, routed by verdict, bytes = plain delivery + our headers"
else
	skip "maildrop" "maildrop is not installed"
fi

san_check
done_testing
