# tap.sh — a tiny TAP helper for the shell tests (after mblaze's).
#   . tap.sh; plan N | done_testing; ok COND DESC; is GOT WANT DESC;
#   like GOT REGEX DESC; skip DESC REASON
# Each check prints one TAP line; failures print the details as # comments.
TAP_N=0
TAP_FAILED=0
# the mail helpers the tests share (python3): tests/mailtools.py
MAILTOOLS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/mailtools.py
export PYTHONDONTWRITEBYTECODE=1
plan() { echo "1..$1"; TAP_PLANNED=1; }
_tap_result() {
	TAP_N=$((TAP_N + 1))
	if [ "$1" = 0 ]; then
		echo "ok $TAP_N - $2"
	else
		echo "not ok $TAP_N - $2"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
}
# ok DESC CMD... : passes when CMD exits 0
ok() { local d=$1; shift; if "$@"; then _tap_result 0 "$d"; else _tap_result 1 "$d"; echo "# command failed: $*"; fi; }
# is GOT WANT DESC
is() {
	if [ "$1" = "$2" ]; then _tap_result 0 "$3"; else
		_tap_result 1 "$3"; printf '# got:  %s\n# want: %s\n' "$1" "$2" | head -40; fi
}
# like GOT ERE DESC
like() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then _tap_result 0 "$3"; else
		_tap_result 1 "$3"; printf '# no match for /%s/ in:\n' "$2"; printf '%s\n' "$1" | head -40 | sed 's/^/#   /'; fi
}
unlike() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		_tap_result 1 "$3"; printf '# unexpected /%s/ in:\n' "$2"; printf '%s\n' "$1" | head -40 | sed 's/^/#   /'
	else _tap_result 0 "$3"; fi
}
skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N # SKIP $1: $2"; }
done_testing() { [ -n "${TAP_PLANNED:-}" ] || echo "1..$TAP_N"; [ "$TAP_FAILED" = 0 ]; }
# jget FILE-or-string KEY...: print a field of each JSON line (python3)
jfield() { python3 -c '
import sys, json
key = sys.argv[1]
for line in sys.stdin:
    line = line.strip()
    if not line: continue
    v = json.loads(line)
    for k in key.split("."):
        v = v[k] if isinstance(v, dict) else v[int(k)]
    print("null" if v is None else (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict, bool)) else v))
' "$1"; }
# jindex ARRAY < JSON-LINES: fill the associative array ARRAY (declare -A it
# first) with "N.KEY" -> what `jfield KEY` prints for line N, for every KEY
# path in every line: one python3 for many look-ups
jindex() {
	local -n _ji=$1
	local k v
	while IFS= read -r -d '' k && IFS= read -r -d '' v; do _ji[$k]=$v; done < <(python3 -c '
import sys, json
def show(v):
    return "null" if v is None else (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict, bool)) else str(v))
def walk(prefix, v):
    sys.stdout.write(prefix + "\0" + show(v) + "\0")
    if isinstance(v, dict):
        for k, x in v.items():
            walk(prefix + "." + k, x)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            walk(prefix + "." + str(i), x)
n = 0
for line in sys.stdin:
    line = line.strip()
    if not line: continue
    n += 1
    walk(str(n), json.loads(line))
')
}
# san_setup DIR: sanitizer reports of every program this test runs go to
# DIR/san.*; san_check: one TAP line saying there were none.
san_setup() {
	SAN_DIR=$1
	export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}log_path=$SAN_DIR/san"
	export UBSAN_OPTIONS="${UBSAN_OPTIONS:-}${UBSAN_OPTIONS:+:}log_path=$SAN_DIR/san"
}
san_check() {
	local r
	r=$(cat "$SAN_DIR"/san.* 2>/dev/null | head -60)
	is "$r" "" "no sanitizer reports"
}
# verdict FILE: the X-Certnotice-Verdict value certnotice filter added (in
# the header section), or "none"
verdict() { local v; v=$(sed -n '/^\r\?$/q;p' "$1" | grep -a -m1 '^X-Certnotice-Verdict:' | sed 's/^[^:]*: *//; s/\r$//'); echo "${v:-none}"; }
# expected_verdicts SAMPLE.eml...: read the verdict the filter must add to
# each sample from its oracle (SAMPLE.json: the most severe verdict of a
# recognised notice, "none" for other mail), all in one python3;
# expected SAMPLE.eml then prints it
declare -gA EXPECTED=()
expected_verdicts() {
	local f v
	while IFS=$'\t' read -r f v; do EXPECTED[$f]=$v; done < <(python3 "$MAILTOOLS" expected "$@")
}
expected() { echo "${EXPECTED[$1]:-missing}"; }
# sample_name SAMPLE: DIR/NAME.eml (sample names repeat across directories)
sample_name() { local d=${1%/*}; echo "${d##*/}/${1##*/}"; }
# strip_ours FILE: FILE without the verdict block certnotice filter puts at
# its top (X-Certnotice-Verdict and X-Certnotice, folded lines and all);
# nothing else is taken out (tests/mailtools.py strip_ours)
# strip_ours_diff LIST: LIST has one "GOT<TAB>WANT" line per pair of files;
# prints each GOT that, stripped as above, is not WANT byte for byte (one
# python3 for all pairs: its start-up costs ~0.1 s, more than the rest)
# mail_files DIR: the mail files under DIR, as tests/corpus.sh picks them
# (NUL-separated, sorted): licences and notes left out, and what does not
# start like mail (an mbox From line or a header field)
mail_files() {
	find "$1" -mindepth 1 -name '.*' -prune -o -type f \
		! -name '*LICENSE*' ! -name '*LICENCE*' ! -name 'COPYING*' ! -name 'README*' ! -name '*.md' \
		! -name '*.json' ! -name '*.py' -print0 |
	python3 -c 'import re, sys
mail = re.compile(rb"From |[\x21-\x39\x3b-\x7e]+:")
for p in sorted(p for p in sys.stdin.buffer.read().split(b"\0") if p):
    with open(p, "rb") as f:
        if mail.match(f.read(1024)):
            sys.stdout.buffer.write(p + b"\0")'
}
strip_ours() { python3 "$MAILTOOLS" strip "$1"; }
strip_ours_diff() { python3 "$MAILTOOLS" strip-diff "$1"; }
# sakura_mails [EPOCH] < SPEC: write Sakura notices, one per SPEC line
# "FILE KIND DOMAIN DAYS [from=ADDRESS] [mid=ID]", dated DAYS from EPOCH
# (default now); see tests/mailtools.py write_sakura
sakura_mails() { python3 "$MAILTOOLS" sakura ${1:+--now "$1"}; }
