#!/usr/bin/env bash
# front.sh — the front and the full program (src/module.h) (TAP).
# The certnotice executable (the front: GLib and PCRE2 linked statically)
# becomes certnotice-full for everything that needs the module.  When it
# cannot — certnotice-full missing or not executable — no mail is lost:
#   - `filter` passes a mail that may be a notice through byte for byte, says
#     why on stderr and exits 0 (75 with --tempfail: nothing written);
#   - ordinary mail never needed the full program and goes out as ever;
#   - `parse` exits 70 naming the path it tried.
# The mail goes to the full program on stdin again: whole from a pipe, and
# by an unnamed file in $TMPDIR when memfd_create fails (strace's fault
# injection); when neither works the mail still goes out.
#
# certnotice-full is looked for next to the module: in the build tree for a
# binary run from there, else where it is installed (src/paths.c).  The
# cases where it is broken run on copies of the build's programs, seen at
# the build tree's own path in a mount namespace of their own (unshare): the
# build tree itself is never changed.  A sanitized build has no front
# (src/meson.build): there this test is skipped as a whole.
set -u
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
CN=${CERTNOTICE:-$SRCDIR/build/src/certnotice}
. "$SRCDIR/tests/tap.sh"
if [ -n "${CERTNOTICE_SANITIZED:-}" ]; then
	echo "1..0 # SKIP a sanitized build has no front: its certnotice is the full program"
	exit 0
fi
S=$SRCDIR/samples
R=$SRCDIR/rules
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export NO_COLOR= XDG_CONFIG_HOME=$T/config XDG_CACHE_HOME=$T/cache XDG_STATE_HOME=$T/state HOME=$T
NOTICE=$S/sakura/renewal-failed-iso2022jp.eml
PLAIN=$S/negative/english-unrelated.eml
BIN=$(cd "$(dirname "$CN")" && pwd)        # the build tree's src/
FULL=$BIN/certnotice-full
F=(filter --rules "$R" --no-verify)

# X-Certnotice fields taken out (and their continuation lines): what is
# left of filter's output must be the mail as it came
strip_ours() { awk 'BEGIN { h = 1 } h && /^\r?$/ { h = 0 } h && /^X-Certnotice/ { s = 1; next } h && s && /^[ \t]/ { next } { s = 0; print }' "$1"; }

is "$(ldd "$CN" 2>&1 | grep -Ec 'libglib|libpcre2|libgmime')" 0 "the front links no shared GLib, PCRE2 or GMime"
ok "certnotice-full is next to it in the build tree" test -x "$FULL"
if [ -n "${FRONT_STATIC_LIBC:-}" ]; then
	is "$(readelf -lW "$CN" | grep -c 'INTERP')/$(readelf -dW "$CN" | grep -c 'NEEDED')" "0/0" \
		"the front is linked statically, libc too (no dynamic loader, no shared library)"
else
	unlike "$(readelf -dW "$CN" | grep NEEDED)" 'glib|pcre2|gmime' "-Dstatic_libc=false: the front links libc (and libm) only"
fi
if [ -z "${FRONT_STATIC_LIBC:-}" ]; then
	skip "no \$HOME: the front becomes the full program at once" "-Dstatic_libc=false: the front reads the user database itself"
	skip "… which passes the ordinary mail on unchanged" "-Dstatic_libc=false"
	skip "… and judges a notice" "-Dstatic_libc=false"
elif command -v strace > /dev/null; then
	# $HOME not set: the home directory is the user database's, which the
	# static front does not read (src/front-userdb.c): the full program does
	# the run, and the mail is the same
	env -u HOME strace -f -o "$T/nohome.strace" -e trace=execve "$CN" "${F[@]}" < "$PLAIN" > "$T/nohome.out" 2> "$T/nohome.err"
	is "$?/$(grep -c 'execve(' "$T/nohome.strace")/$(cat "$T/nohome.err")" "0/2/" "no \$HOME: the front becomes the full program at once, silently"
	ok "… which passes the ordinary mail on unchanged" cmp -s "$T/nohome.out" "$PLAIN"
	env -u HOME "$CN" "${F[@]}" < "$NOTICE" > "$T/nohome-notice.out" 2> "$T/nohome-notice.err"
	is "$?/$(verdict "$T/nohome-notice.out")/$(cat "$T/nohome-notice.err")" "0/unverified/" "… and judges a notice"
else
	skip "no \$HOME: the front becomes the full program at once" "no strace"
	skip "… which passes the ordinary mail on unchanged" "no strace"
	skip "… and judges a notice" "no strace"
fi
# ordinary mail whose subject the front decodes from a table, not with
# glibc's iconv module, which the static libc would load with a libc.so.6
# of its own: Japanese (週末セールのお知らせ, in Shift_JIS with ①) read
# through CP932 (src/cp932.c); ISO-8859-1, WINDOWS-1252, ISO-8859-15,
# KOI8-R and TIS-620 (src/sbcs.c); EUC-JP and EUC-KR (src/euc.c);
# undeclared 8-bit, which the guess reads as CP932 and as EUC-JP
n=0
while IFS='|' read -r label subject; do
	n=$((n + 1))
	printf 'From: news@shop.example.jp\nTo: user@example.org\nSubject: %s\nMessage-ID: <sale%d@shop.example.jp>\n\nhello\n' \
		"$subject" "$n" > "$T/sub.eml"
	if command -v strace > /dev/null; then
		strace -f -o "$T/sub.strace" -e trace=openat "$CN" "${F[@]}" < "$T/sub.eml" > "$T/sub.out" 2> "$T/sub.err"
		# (a front with libc shared opens libc.so and ld.so at start anyway)
		is "$?/$(grep -Ec "gconv${FRONT_STATIC_LIBC:+|libc\\.so|ld-linux}" "$T/sub.strace")/$(cat "$T/sub.err")" "0/0/" \
			"an ordinary mail, its subject in $label: no iconv module, no second libc"
	else
		"$CN" "${F[@]}" < "$T/sub.eml" > "$T/sub.out" 2> "$T/sub.err"
		skip "an ordinary mail, its subject in $label: no iconv module, no second libc" "no strace"
	fi
	ok "… the mail written out as it came" cmp -s "$T/sub.out" "$T/sub.eml"
done <<SUBJECTS
ISO-2022-JP|=?ISO-2022-JP?B?GyRCPTVLdiU7ITwlayROJCpDTiRpJDsbKEI=?=
Shift_JIS|=?Shift_JIS?B?j1SWloNagVuDi4dAgsyCqJJtgueCuQ==?=
ISO-8859-1|=?ISO-8859-1?Q?R=E9union_de_l=27=E9quipe_=E0_14h?=
WINDOWS-1252|=?windows-1252?Q?=93Soldes=94_=96_jusqu=92=E0_50_=80?=
ISO-8859-15|=?iso-8859-15?Q?Promo_=A4_50?=
EUC-JP|=?EUC-JP?B?vbXL9qW7obyl66TOpKrDzqTppLs=?=
EUC-KR|=?euc-kr?B?wda4uyC8vMDPIL7Is7s=?=
KOI8-R|=?koi8-r?B?8sHT0NLPxMHWwQ==?=
TIS-620|=?tis-620?B?x9S01eLNxbQ=?=
undeclared 8-bit (EUC-JP)|$(printf '\xbd\xb5\xcb\xf6\xa5\xbb\xa1\xbc\xa5\xeb\xa4\xce\xa4\xaa\xc3\xce\xa4\xe9\xa4\xbb')
SUBJECTS

# a charset the front has no table for goes through iconv; one iconv cannot
# open (unknown, or its converter missing for the static libc) is not
# guessed at there: the full program reads the mail (src/text.h,
# cn_text_doubt_iconv), and the result is the same
gbk='=?GBK?B?1tzEqbTZz/q77rav?='
unknown='=?x-no-such-charset?Q?Soldes_=E0_50?='
gbk_so=$(find /usr/lib -path '*/gconv/GBK.so' 2>/dev/null | head -1)
for label in GBK unknown "GBK, its converter failing"; do
	case $label in GBK*) subject=$gbk ;; *) subject=$unknown ;; esac
	printf 'From: news@shop.example.cn\nTo: user@example.org\nSubject: %s\nMessage-ID: <%s@shop.example.cn>\n\nhello\n' \
		"$subject" "${label%%,*}" > "$T/sub.eml"
	if ! command -v strace > /dev/null || [ -z "${FRONT_STATIC_LIBC:-}" ] || [ -z "$gbk_so" ]; then
		skip "an ordinary mail, its subject in $label: where it is judged" "no strace, libc shared, or no GBK converter"
		continue
	fi
	run=(strace -f -o "$T/sub.strace" -e trace=execve "$CN" "${F[@]}")
	if [ "$label" = "GBK, its converter failing" ]; then
		# the converter an empty file, in a mount namespace of the test's own
		if ! unshare -m true 2> /dev/null; then
			skip "an ordinary mail, its subject in $label: where it is judged" "no mount namespace (unshare -m)"
			continue
		fi
		run=(unshare -m sh -c 'mount --bind /dev/null "$0" && exec "$@"' "$gbk_so" "${run[@]}")
	fi
	"${run[@]}" < "$T/sub.eml" > "$T/sub.out" 2> "$T/sub.err"
	rc=$?
	case $label in GBK) want=1 ;; *) want=2 ;; esac
	cmp -s "$T/sub.out" "$T/sub.eml"
	is "$rc/$?/$(grep -c 'execve(' "$T/sub.strace")/$(cat "$T/sub.err")" "0/0/$want/" \
		"an ordinary mail, its subject in $label: $( [ $want = 1 ] && echo 'the front decides (iconv)' || echo 'the full program decides'), the mail unchanged"
done

# ---- the full program as it is: through a pipe, through the fallback ----
cat "$NOTICE" | "$CN" "${F[@]}" > "$T/pipe.out" 2> "$T/pipe.err"
is "$?/$(verdict "$T/pipe.out")/$(cat "$T/pipe.err")" "0/unverified/" "a notice on a pipe: judged by the full program"
# a notice with a body larger than a pipe holds: all of it reaches the full program
{ cat "$NOTICE"; for i in $(seq 20000); do printf 'line %05d of a long signature, to make the mail large\n' "$i"; done; } > "$T/big.eml"
cat "$T/big.eml" | "$CN" "${F[@]}" > "$T/big.out" 2> "$T/big.err"
is "$?/$(verdict "$T/big.out")/$(cat "$T/big.err")" "0/unverified/" "a notice of $(( $(wc -c < "$T/big.eml") / 1024 )) KiB on a pipe: judged"
ok "… and the mail is all there, as it came" cmp -s <(strip_ours "$T/big.out") "$T/big.eml"
if command -v strace > /dev/null; then
	# memfd_create fails: an unnamed file in $TMPDIR
	mkdir "$T/tmp"
	TMPDIR=$T/tmp strace -f -o "$T/strace" -e trace=memfd_create,openat -e inject=memfd_create:error=ENOSYS \
		"$CN" "${F[@]}" < "$NOTICE" > "$T/tmpfile.out" 2> "$T/tmpfile.err"
	is "$?/$(verdict "$T/tmpfile.out")/$(cat "$T/tmpfile.err")" "0/unverified/" \
		"memfd_create failing: the mail goes on through a file in \$TMPDIR, and is judged"
	ok "… opened there with O_TMPFILE" grep -q "openat(AT_FDCWD, \"$T/tmp\", [^)]*O_TMPFILE" "$T/strace"
	# neither works: the mail goes out unjudged, unchanged
	TMPDIR=$T/none strace -f -o /dev/null -e trace=memfd_create -e inject=memfd_create:error=ENOSYS \
		"$CN" "${F[@]}" < "$NOTICE" > "$T/nofile.out" 2> "$T/nofile.err"
	is "$?" 0 "no memfd and no \$TMPDIR: exit 0"
	ok "… the mail passed through byte for byte" cmp -s "$T/nofile.out" "$NOTICE"
	like "$(cat "$T/nofile.err")" "^certnotice filter: cannot hand the mail on: .*: passing the mail through unchanged$" "… and says so"
else
	for d in "memfd_create failing" "… O_TMPFILE" "no memfd and no \$TMPDIR" "… passed through" "… says so"; do
		skip "$d" "strace is not installed"
	done
fi

# ---- installed ----
BUILD=${G_TEST_BUILDDIR:-$SRCDIR/build}
if meson install -C "$BUILD" --destdir "$T/root" --no-rebuild --quiet > "$T/install.log" 2>&1; then
	installed=$(cd "$T/root" && find . -name 'certnotice*' -type f -perm -u+x | sed 's|^\.||' | sort | tr '\n' ' ')
	like "$installed" "/bin/certnotice " "meson install: certnotice in PREFIX/bin"
	# the path the installed front execs (the exec itself made to fail, so
	# that an installation on this machine is never run)
	tried=""
	if command -v strace > /dev/null; then
		strace -o /dev/null -e trace=execve -e inject=execve:error=ENOENT:when=2 \
			"$T/root$(printf '%s' "$installed" | grep -o '[^ ]*/bin/certnotice ' | tr -d ' ')" parse /dev/null \
			> /dev/null 2> "$T/inst.err"
		tried=$(sed -n 's/^certnotice parse: cannot run \(.*\): No such file or directory$/\1/p' "$T/inst.err")
	fi
	if [ -n "$tried" ]; then
		ok "… certnotice-full where the installed front looks for it ($tried)" test -x "$T/root$tried"
		ok "… next to the module" test -f "$T/root$(dirname "$tried")/certnotice-core.so"
	else
		skip "… certnotice-full where the installed front looks for it" "strace is not installed"
		skip "… next to the module" "strace is not installed"
	fi
else
	ok "meson install --destdir works" false
	sed 's/^/# /' "$T/install.log"
fi

# ---- certnotice-full broken ----
# in_ns CMD…: CMD with the build tree's src/ replaced by $T/src (copies of
# its programs), in a mount namespace of its own
in_ns() {
	unshare "${NS_FLAGS[@]}" sh -c 'mount --bind "$0" "$1" && shift && exec "$@"' "$T/src" "$BIN" "$@"
}
NS_FLAGS=()
if unshare -m true 2> /dev/null; then
	NS_FLAGS=(-m)
elif unshare -rm true 2> /dev/null; then
	NS_FLAGS=(-rm)   # not root: a user namespace of our own
fi
if [ ${#NS_FLAGS[@]} = 0 ]; then
	skip "certnotice-full missing or not executable" "no mount namespace can be made here (unshare -m, unshare -rm)"
	done_testing
	exit
fi
mkdir "$T/src"
cp "$BIN/certnotice" "$BIN/certnotice-full" "$BIN/certnotice-core.so" "$T/src/"
# the copies as they are: the notice is judged (the set-up works)
in_ns "$BIN/certnotice" "${F[@]}" < "$NOTICE" > "$T/ns.out" 2> "$T/ns.err"
is "$?/$(verdict "$T/ns.out")/$(cat "$T/ns.err")" "0/unverified/" "copies of the programs in a namespace: a notice is judged"

# broken HOW: certnotice-full made so
for how in missing not-executable; do
	cp "$BIN/certnotice-full" "$T/src/"
	case $how in
	missing) rm "$T/src/certnotice-full"; why="No such file or directory" ;;
	not-executable) chmod a-x "$T/src/certnotice-full"; why="Permission denied" ;;
	esac
	in_ns "$BIN/certnotice" "${F[@]}" < "$NOTICE" > "$T/b.out" 2> "$T/b.err"
	is "$?" 0 "certnotice-full $how: filter on a notice exits 0"
	ok "… the mail passed through byte for byte" cmp -s "$T/b.out" "$NOTICE"
	is "$(cat "$T/b.err")" "certnotice filter: cannot run $FULL: $why: passing the mail through unchanged" \
		"… and says why, naming the path"
	in_ns "$BIN/certnotice" "${F[@]}" --tempfail < "$NOTICE" > "$T/b.out" 2> "$T/b.err"
	is "$?/$(wc -c < "$T/b.out")" "75/0" "… with --tempfail: exit 75, nothing written"
	is "$(cat "$T/b.err")" "certnotice filter: cannot run $FULL: $why: exit 75 (--tempfail)" "… and says why"
	in_ns "$BIN/certnotice" "${F[@]}" --tempfail < "$PLAIN" > "$T/b.out" 2> "$T/b.err"
	is "$?/$(cat "$T/b.err")" "0/" "… ordinary mail never needs it: exit 0, nothing said"
	ok "… the mail written out as it came" cmp -s "$T/b.out" "$PLAIN"
	in_ns "$BIN/certnotice" parse --rules "$R" --no-verify "$NOTICE" > "$T/b.out" 2> "$T/b.err"
	is "$?/$(wc -c < "$T/b.out")" "70/0" "… parse: exit 70, no output"
	is "$(cat "$T/b.err")" "certnotice parse: cannot run $FULL: $why" "… naming the path it tried"
	is "$(in_ns "$BIN/certnotice" version 2>&1)" "$("$CN" version)" "… version runs in the front"
done

# certnotice-full installed as a copy of the front: refused, not exec'd for ever
rm -f "$T/src/certnotice-full"
cp "$BIN/certnotice" "$T/src/certnotice-full"
timeout 10 sh -c 'unshare "$@"' sh "${NS_FLAGS[@]}" sh -c 'mount --bind "$0" "$1" && shift && exec "$@"' \
	"$T/src" "$BIN" "$BIN/certnotice" "${F[@]}" < "$NOTICE" > "$T/b.out" 2> "$T/b.err"
is "$?" 0 "certnotice-full a copy of the front: filter on a notice exits 0 (no exec loop)"
ok "… the mail passed through byte for byte" cmp -s "$T/b.out" "$NOTICE"
is "$(cat "$T/b.err")" \
	"certnotice filter: $FULL is not the full program (it runs as the front again): the installation is broken: passing the mail through unchanged" \
	"… and says why"
in_ns "$BIN/certnotice" parse --rules "$R" --no-verify "$NOTICE" > "$T/b.out" 2> "$T/b.err"
is "$?/$(cat "$T/b.err")" \
	"70/certnotice parse: $FULL is not the full program (it runs as the front again): the installation is broken" \
	"… parse: exit 70, saying so"
# … while what the full program starts (a hook) does not inherit the mark
printf '[action case-opened]\ncommand = sh -c "env > %s"\n' "$T/hook.env" > "$T/hook.conf"
"$CN" parse --config "$T/hook.conf" --rules "$R" --no-verify --db "$T/hook.db" "$NOTICE" > /dev/null 2>&1
ok "a hook run by certnotice-full (exec'd by the front) ran" test -s "$T/hook.env"
unlike "$(cat "$T/hook.env" 2>/dev/null)" CERTNOTICE_FRONT_EXEC "… and does not inherit the front's mark (a certnotice it runs works)"

done_testing
