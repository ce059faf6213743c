#!/usr/bin/env bash
# prefilter.sh — the fast path never changes a result, in the real binary
# (TAP).  With the prefilter on (the default) and off (CERTNOTICE_PREFILTER=off,
# every message read whole):
#   - `parse` over every sample and every mail of the corpus gives byte-for-byte
#     the same JSON, text and exit status;
#   - `filter` gives the same bytes and exit status for every sample and for
#     every tenth corpus mail (tests/test-prefilter.c compares every corpus
#     mail's records through the library);
# and the parts that only the binary has:
#   - the certnotice executable (the front) links no shared GLib or PCRE2
#     (they are linked in), nor GMime, json-glib, libcurl or SQLite, and
#     certnotice-full, which it becomes for a notice, GLib and PCRE2 only;
#     `filter` execs certnotice-full and loads the module for a notice only;
#   - the prefilter's cache ($XDG_CACHE_HOME/certnotice): written by a run that
#     loaded the rules, used by the next, never stale (a rule edited or added
#     counts at once), ignored when damaged; broken rules are reported whether
#     or not the mail is a notice.
# The corpus is $CORPUS_DIR, else $SRCDIR/../shared/corpus; without one those
# checks are skipped (as SKIP lines).
set -u
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
CN=${CERTNOTICE:-$SRCDIR/build/src/certnotice}
. "$SRCDIR/tests/tap.sh"
S=$SRCDIR/samples
R=$SRCDIR/rules
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export NO_COLOR= XDG_CONFIG_HOME=$T/config XDG_CACHE_HOME=$T/cache HOME=$T
san_setup "$T"
CORPUS=${CORPUS_DIR:-$SRCDIR/../shared/corpus}

mail_files "$S" > "$T/samples.list"
have_corpus=
if [ -d "$CORPUS" ]; then
	mail_files "$CORPUS" > "$T/corpus.list"
	[ -s "$T/corpus.list" ] && have_corpus=1
fi

# ---- parse: JSON, text, exit status ----
# PARSE LIST OUT [ARGS]: one process over every file of LIST
parse_all() {
	local list=$1 out=$2; shift 2
	xargs -0 -a "$list" "$CN" parse --rules "$R" --no-verify --now 2024-06-01 "$@" > "$out" 2>"$out.err"
	echo $? > "$out.rc"
}
for set in samples corpus; do
	if [ "$set" = corpus ] && [ -z "$have_corpus" ]; then
		skip "parse: the corpus" "no corpus at $CORPUS"
		continue
	fi
	for fmt in json text; do
		parse_all "$T/$set.list" "$T/on.$fmt" --format "$fmt"
		CERTNOTICE_PREFILTER=off parse_all "$T/$set.list" "$T/off.$fmt" --format "$fmt"
		ok "parse --format $fmt, $set: the same output with and without the prefilter" \
			cmp -s "$T/on.$fmt" "$T/off.$fmt"
		is "$(cat "$T/on.$fmt.rc")/$(md5sum < "$T/on.$fmt.err")" \
			"$(cat "$T/off.$fmt.rc")/$(md5sum < "$T/off.$fmt.err")" "… the same exit status and stderr"
	done
	files=$(tr -cd '\0' < "$T/$set.list" | wc -c)
	ok "… at least one JSON result per file ($set: $files files)" test "$(grep -c . "$T/on.json")" -ge "$files"
done
# -v reads everything whole (decoding warnings): the same again
parse_all "$T/samples.list" "$T/on.v" -v
CERTNOTICE_PREFILTER=off parse_all "$T/samples.list" "$T/off.v" -v
ok "parse -v: the same output" cmp -s "$T/on.v" "$T/off.v"

# ---- filter: bytes and exit status ----
FILTER=("$CN" filter --rules "$R" --no-verify --trust-authserv mx.certnotice.test)
# filter_all LIST STEP: every STEP-th file of LIST through filter, with and
# without the prefilter; prints the files that differ
filter_all() {
	local i=0 f
	while IFS= read -r -d '' f; do
		i=$((i + 1))
		[ $(( (i - 1) % $2 )) = 0 ] || continue
		"${FILTER[@]}" < "$f" > "$T/f.on" 2>/dev/null
		local a=$?
		CERTNOTICE_PREFILTER=off "${FILTER[@]}" < "$f" > "$T/f.off" 2>/dev/null
		local b=$?
		{ [ "$a" = "$b" ] && cmp -s "$T/f.on" "$T/f.off"; } || echo "$f ($a/$b)"
	done < "$1"
}
is "$(filter_all "$T/samples.list" 1)" "" "filter, every sample: the same bytes and exit status with and without the prefilter"
if [ -n "$have_corpus" ]; then
	is "$(filter_all "$T/corpus.list" 10)" "" "filter, every tenth corpus mail: the same"
else
	skip "filter: the corpus" "no corpus at $CORPUS"
fi

# ---- what the programs link and load ----
libs=$(ldd "$CN" 2>/dev/null | awk '{ print $1 }')
FULL=$(dirname "$CN")/certnotice-full
if [ -n "${CERTNOTICE_SANITIZED:-}" ]; then
	# src/meson.build: a sanitized build has no front (certnotice is the
	# full program) and links the module's libraries into it (GCC 12's
	# LeakSanitizer and dlopen()ed dynamic TLS)
	skip "the front links no shared GLib, PCRE2, GMime, json-glib, libcurl nor SQLite" "a sanitized build has no front"
	skip "certnotice-full links neither GMime, json-glib, libcurl nor SQLite" "a sanitized build links them"
	skip "… but GLib" "a sanitized build has no certnotice-full"
else
	unlike "$libs" 'glib|pcre2|gmime|json-glib|curl|sqlite|gio-|gpgme' \
		"the certnotice executable (the front) links no shared GLib, PCRE2, GMime, json-glib, libcurl nor SQLite"
	full_libs=$(ldd "$FULL" 2>/dev/null | awk '{ print $1 }')
	unlike "$full_libs" 'gmime|json-glib|curl|sqlite|gio-|gpgme' "certnotice-full links neither GMime, json-glib, libcurl nor SQLite"
	like "$full_libs" 'libglib-2\.0' "… but GLib"
fi
module_loaded() { LD_DEBUG=files "${FILTER[@]}" < "$1" 2>&1 >/dev/null | grep -c 'certnotice-core\.so.*dynamically loaded'; }
is "$(module_loaded "$S/negative/english-unrelated.eml")" 0 "filter: mail that is not a notice never loads the module"
is "$(module_loaded "$S/sakura/renewal-failed-iso2022jp.eml")" 1 "… a notice does (in the judging process)"
is "$(module_loaded "$S/sakura/forwarded-rfc822.eml")" 1 "… and so does a mail with a notice attached"
# full_execs MAIL: how often filter on MAIL starts certnotice-full
full_execs() {
	strace -f -e trace=execve -o "$T/execs" "${FILTER[@]}" < "$1" > /dev/null 2>&1
	grep -c '^[0-9]* *execve("[^"]*/certnotice-full", .* = 0$' "$T/execs"
}
if [ -n "${CERTNOTICE_SANITIZED:-}" ]; then
	for d in "filter: mail that is not a notice never execs certnotice-full" "… a notice does, once" \
		"… and so does a mail with a notice attached"; do
		skip "$d" "a sanitized build has no front"
	done
elif ! command -v strace > /dev/null; then
	for d in "filter: mail that is not a notice never execs certnotice-full" "… a notice does, once" \
		"… and so does a mail with a notice attached"; do
		skip "$d" "strace is not installed"
	done
else
	is "$(full_execs "$S/negative/english-unrelated.eml")" 0 "filter: mail that is not a notice never execs certnotice-full"
	is "$(full_execs "$S/sakura/renewal-failed-iso2022jp.eml")" 1 "… a notice does, once"
	is "$(full_execs "$S/sakura/forwarded-rfc822.eml")" 1 "… and so does a mail with a notice attached"
fi

# ---- the cache ----
rm -rf "$T/cache"
NOTICE=$S/sakura/renewal-failed-iso2022jp.eml
PLAIN=$S/negative/english-unrelated.eml
mkdir -p "$T/rules"
cp "$R"/*.rules "$R"/generic.detector "$T/rules/"
F=("$CN" filter --rules "$T/rules" --no-verify)
"${F[@]}" < "$PLAIN" > /dev/null 2>&1
cache=$(ls "$T/cache/certnotice"/prefilter-*.cache 2>/dev/null)
ok "a filter run that loaded the rules leaves the prefilter's cache" test -f "$cache"
is "$(stat -c %a "$cache" 2>/dev/null)" 600 "… readable by its owner only"
before=$(stat -c %Y.%s "$cache")
"${F[@]}" < "$PLAIN" | cmp -s - "$PLAIN"
is "$?/$(stat -c %Y.%s "$cache")" "0/$before" "the next run passes plain mail through from it, and leaves it as it was"
if command -v strace > /dev/null; then
	# LeakSanitizer does not work under ptrace
	ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=0" \
		strace -f -e trace=openat -o "$T/strace" "${F[@]}" < "$PLAIN" > /dev/null 2>&1
	is "$(grep -c '/rules/[a-z-]*\.rules"' "$T/strace")" 0 "… without opening a rule file"
	ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=0" \
		strace -f -e trace=openat -o "$T/strace" "${F[@]}" < "$NOTICE" > /dev/null 2>&1
	ok "… which the judging process of a notice reads" grep -q '/rules/sakura\.rules"' "$T/strace"
	# the full program keeps a cache of its own (one per executable): a
	# notice leaves the front's as it was
	ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=0" \
		strace -f -e trace=openat -o "$T/strace" "${F[@]}" < "$PLAIN" > /dev/null 2>&1
	is "$(grep -c '/rules/[a-z-]*\.rules"' "$T/strace")" 0 "… and after a notice, plain mail still passes without opening a rule file"
else
	skip "no rule file opened" "strace is not installed"
	skip "rule files opened for a notice" "strace is not installed"
	skip "no rule file opened after a notice" "strace is not installed"
fi
# a new kind whose subject matches the plain mail: it counts at once
subject=$(grep -m1 '^Subject:' "$PLAIN" | sed 's/^Subject: *//; s/\r$//')
printf '[provider]\nid = extra\nname = Extra\nsender_domains = extra.example;\nsupport_url = https://extra.example/\nremediation = Fix it;\n\n[notice x]\nsubject = %s\nbody = .\n' \
	"$(printf '%s' "$subject" | sed 's/[][\\.*^$+?(){}|]/\\&/g')" > "$T/rules/extra.rules"
is "$("${F[@]}" < "$PLAIN" | grep -a '^X-Certnotice-Verdict')" "X-Certnotice-Verdict: suspicious" \
	"a rule added after the cache was written takes effect at once"
rm "$T/rules/extra.rules"
is "$("${F[@]}" < "$PLAIN" | grep -ac '^X-Certnotice')" 0 "… and so does its removal"
# a broken rule file: an error for every mail, not only for notices
cp "$T/rules/sakura.rules" "$T/sakura.saved"
printf '[notice broken]\nbody = (\n' >> "$T/rules/sakura.rules"
"${F[@]}" --tempfail < "$PLAIN" > "$T/broken.out" 2>"$T/broken.err"
is "$?/$(wc -c < "$T/broken.out")" "75/0" "a rule file broken after the cache was written: --tempfail gives 75 for plain mail too"
like "$(cat "$T/broken.err")" "sakura\.rules:[0-9]+: .*bad pattern" "… and says where"
cp "$T/sakura.saved" "$T/rules/sakura.rules"
# the front's cache alone (a notice leaves certnotice-full's too)
rm -rf "$T/cache"
"${F[@]}" < "$PLAIN" > /dev/null 2>&1
cache=$(ls "$T/cache/certnotice"/prefilter-*.cache)
# damaged caches: cut short, garbage, the checksum wrong
for how in short garbage flipped; do
	cp "$cache" "$T/cache.good"
	case $how in
	short) head -c 200 "$T/cache.good" > "$cache" ;;
	garbage) head -c 4000 /dev/urandom > "$cache" ;;
	flipped) python3 -c 'import sys
p = sys.argv[1]; d = bytearray(open(p, "rb").read()); d[len(d) - 40] ^= 0x20; open(p, "wb").write(d)' "$cache" ;;
	esac
	"${F[@]}" < "$NOTICE" > "$T/dmg.out" 2>"$T/dmg.err"
	is "$?/$(verdict "$T/dmg.out")/$(cat "$T/dmg.err")" "0/unverified/" "a damaged cache ($how) is ignored: the notice is found"
	ok "… and written anew" cmp -s "$cache" "$T/cache.good"
	cp "$T/cache.good" "$cache"
done
# a cache directory that is not one (root reads anything: a file in its way)
rm -rf "$T/cache"
mkdir -p "$T/cache" && : > "$T/cache/certnotice"
"${F[@]}" < "$NOTICE" > "$T/ro.out" 2>"$T/ro.err"
is "$?/$(verdict "$T/ro.out")/$(cat "$T/ro.err")" "0/unverified/" "a cache that cannot be written is no error"
"${F[@]}" < "$PLAIN" | cmp -s - "$PLAIN"
is "$?" 0 "… nor one that cannot be read"

san_check
done_testing
