#!/usr/bin/env bash
# mda.sh — `certnotice filter` inside the real procmail and maildrop: every
# sample delivered, routed by its verdict header, and byte for byte the plain
# delivery plus our headers; and mail that presets our verdict in every way
# a delivery agent may read as a header field.  TAP.
set -u
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
CN=${CERTNOTICE:-$SRCDIR/build/src/certnotice}
. "$SRCDIR/tests/tap.sh"
. "$SRCDIR/tests/forged.sh"
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
	# as docs/examples/mailfilter: reformail reads the top-level header only
	# (maildrop's own /pattern/ also searches the headers of MIME parts)
	cat > "$md/filter.filter" <<EOF
xfilter "$FILTER"
VERDICT=\`reformail -x X-Certnotice-Verdict:\`
if (\$VERDICT =~ /^(action-required|expired|suspicious|renewed|unverified)\$/)
{
  to "$md/filtered/.\$VERDICT/"
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

# ---- 3. a stranger's preset verdict, read by the real procmail and maildrop ----
# Each forged mail must reach procmail and maildrop (reformail) with exactly
# one X-Certnotice-Verdict in what the reader takes for the header section —
# ours — or none when the mail is no notice.
F=$T/forged
forged_make "$F" "$S"
cat > "$T/pmh.rc" <<EOF
SHELL=/bin/sh
MAILDIR=$T/pmh
DEFAULT=$T/pmh/
LOGFILE=$T/pmh.log
:0 fw
| $FILTER
:0 hw
| cat > $T/pmh/header
EOF
fail= bad=
for f in "$F"/*.eml; do
	name=$(basename "$f" .eml)
	want=$(forged_want "$name")
	$FILTER < "$f" > "$F/$name.out" 2>/dev/null
	[ "$(verdict "$F/$name.out")" = "$want" ] || fail="$fail $name:filter=$(verdict "$F/$name.out")"
	strip_ours "$F/$name.out" > "$F/$name.stripped"
	only_ours_removed "$f" "$F/$name.stripped" || bad="$bad $name"
	case $want in none) n=0: ;; *) n=1:$want ;; esac
	if command -v procmail >/dev/null; then
		rm -rf "$T/pmh"; mkdir -p "$T/pmh"
		procmail -m "$T/pmh.rc" < "$f" || fail="$fail $name:procmail-exit"
		[ "$(count_verdicts "$T/pmh/header")" = "$n" ] || fail="$fail $name:procmail-header=$(count_verdicts "$T/pmh/header")"
		rm -rf "$T/pm/filtered"; mkdir -p "$T/pm/filtered"
		procmail -m "$T/pm/filter.rc" < "$f" || fail="$fail $name:procmail-exit"
		got=$(find "$T/pm/filtered" -type f -path '*/new/*')
		case $want in none) dir="$T/pm/filtered/new" ;; *) dir="$T/pm/filtered/.$want/new" ;; esac
		[ "$(dirname "$got")" = "$dir" ] || fail="$fail $name:procmail-route=${got#$T/pm/filtered/}"
	fi
	if command -v maildrop >/dev/null; then
		find "$md" -type f -path '*/new/*' -delete
		maildrop "$md/filter.filter" < "$f" || fail="$fail $name:maildrop-exit"
		got=$(find "$md/filtered" -type f -path '*/new/*')
		case $want in none) dir="$md/filtered/new" ;; *) dir="$md/filtered/.$want/new" ;; esac
		[ "$(dirname "$got")" = "$dir" ] || fail="$fail $name:maildrop-route=${got#$md/}"
		r=$(reformail -x X-Certnotice-Verdict: < "$F/$name.out")
		[ "$r" = "${want#none}" ] || fail="$fail $name:reformail=$r"
	fi
done
if command -v procmail >/dev/null && command -v maildrop >/dev/null; then
	is "$fail" "" "forged verdicts ($(ls "$F"/*.eml | wc -l) kinds): procmail's and maildrop's header section holds ours only, and the mail is routed by it"
else
	skip "forged verdicts" "procmail or maildrop is not installed"
fi
is "$bad" "" "… and only lines naming X-Certnotice* fields (or continuing one) were taken out of them"

san_check
done_testing
