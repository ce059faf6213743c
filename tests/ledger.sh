#!/usr/bin/env bash
# ledger.sh — the ledger of certificate cases (certnotice cases / recheck,
# parse --record, filter and the real procmail) on real SQLite files, with
# the loopback TLS servers of tests/tls: the timeline of a case driven with
# --now, actions on state changes only, fifty filters at once, and broken
# ledgers that must never cost a mail.  TAP.
set -u
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
CN=${CERTNOTICE:-$SRCDIR/build/src/certnotice}
. "$SRCDIR/tests/tap.sh"
. "$SRCDIR/tests/tls/harness.sh"
R=$SRCDIR/rules
T=$(mktemp -d)
trap 'tls_stop >/dev/null 2>&1; rm -rf "$T"' EXIT
export NO_COLOR= XDG_CONFIG_HOME=$T/config XDG_STATE_HOME=$T/state HOME=$T
san_setup "$T"
# One clock for the whole timeline: certificates, mails and --now are all
# relative to N0 (commands run as if a minute after it), so no day count
# depends on how long the test takes or on the time of day.
N0=$(date -u +%s)
export TLS_NOW="@$N0"

tls_start "$T/tls" "
many     now-1d  now+89d c0.test,c1.test,c2.test,c3.test,c4.test,c5.test,c6.test,c7.test,c8.test,c9.test
siteold  now-80d now+10d site.test
sitenew  now-1d  now+89d site.test
dying    now-85d now+5d  dying.test
dyingnew now-1d  now+89d dying.test
dead     now-95d now-5d  dead.test
fresh    now-5d  now+85d fresh.test
" "
many     many     4 tls
siteold  siteold  4 tls
sitenew  sitenew  4 tls
dying    dying    4 tls
dyingnew dyingnew 4 tls
dead     dead     4 tls
fresh    fresh    4 tls
closed   -        4 closed
" || { echo "1..0 # SKIP the TLS test server did not start"; exit 1; }

# mails < SPEC: Sakura notices dated from N0 (tap.sh sakura_mails), one per
# line "FILE KIND DOMAIN DAYS [from=ADDRESS] [mid=ID]"; warn claims the
# mail's date + 15 days, fail is a renewal failure with no date
mails() { sakura_mails "$N0"; }
# at DAYS: an ISO time DAYS days from now (for --now)
at() { date -u -d "@$((N0 + 60 + $1 * 86400))" +%Y-%m-%dT%H:%M:%SZ; }
# sql DB QUERY: one result row per line, fields separated by |
sql() {
	python3 - "$@" <<'PY'
import sys, sqlite3
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
for row in db.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
PY
}
# case DB DOMAIN FIELD: a field of DOMAIN's case in `cases --all --format json`
casef() { "$CN" cases --db "$1" --all --format json --now "${NOW:-$(at 0)}" 2>/dev/null |
	python3 -c 'import sys, json
for l in sys.stdin:
    o = json.loads(l)
    if o["domain"] == sys.argv[1]:
        v = o[sys.argv[2]]; print("null" if v is None else v)' "$2" "$3"; }
# dbcopy SRC DST: a consistent copy of a ledger (SQLite's backup)
dbcopy() { python3 -c 'import sqlite3, sys
s = sqlite3.connect(sys.argv[1]); d = sqlite3.connect(sys.argv[2]); s.backup(d); d.close()' "$1" "$2"; }
lines() { if [ -f "$1" ]; then grep -c . "$1"; else echo 0; fi; }

mkdir -p "$T/config/certnotice" "$T/m"
cat > "$T/config/certnotice/config" <<EOF
[action case-opened]
command = sh -c 'cat >> $T/opened.log'
[action case-escalated]
command = sh -c 'cat >> $T/escalated.log'
[action case-resolved]
command = sh -c 'cat >> $T/resolved.log'
EOF
CA=(--cacert "$T/tls/ca.pem")
OLD=(--connect-to "$(tls_connect_to siteold site.test)")
NEW=(--connect-to "$(tls_connect_to sitenew site.test)")
DB=$T/timeline.db
mails <<EOF
	$T/m/site1.eml warn site.test -5 mid=warn1.site
	$T/m/site2.eml warn site.test -3 mid=warn2.site
	$T/m/site3.eml warn site.test -4 mid=warn3.site
	$T/m/dying1.eml fail dying.test 0 mid=fail1.dying
	$T/m/fresh.eml warn fresh.test -40 mid=warn.fresh
	$T/m/phish.eml warn site.test -5 mid=phish.site from=support@sakura-support.example
	$T/m/dead.eml fail dead.test 0 mid=fail.dead
EOF

# ---- 1. notice → still expiring → renewed → resolved ----
out=$("$CN" parse --rules "$R" "${CA[@]}" "${OLD[@]}" --db "$DB" --now "$(at 0)" --format json "$T/m/site1.eml" 2>"$T/err"); rc=$?
is "$rc/$(printf '%s\n' "$out" | jfield verdict)" 1/action-required "a notice for a certificate about to expire: action-required"
is "$(stat -c %a "$DB")/$(stat -c %a "$(dirname "$DB")")" "600/700" "parse --db creates the ledger 0600 in a 0700 directory"
is "$(casef "$DB" site.test state)/$(casef "$DB" site.test notices)" open/1 "… and opens a case with one notice"
is "$(casef "$DB" site.test expires_claimed)" "$(TZ=Asia/Tokyo date -d "@$((N0 + 10 * 86400))" +%Y-%m-%d)" \
	"… the claimed expiry is kept (the mail's date, in its zone, + 15 days)"
is "$(casef "$DB" site.test live_status)/$(casef "$DB" site.test days_left)" expiring/9 "… with the live result of the notice"
is "$(lines "$T/opened.log")" 1 "[action case-opened] ran once"
is "$(jfield event < "$T/opened.log")/$(jfield domain < "$T/opened.log")/$(jfield state < "$T/opened.log")" \
	"case-opened/site.test/open" "… with the case as JSON on its stdin"

out=$(NOW=$(at 3) && "$CN" recheck --db "$DB" "${CA[@]}" "${OLD[@]}" --now "$NOW" 2>"$T/err"); rc=$?
is "$rc" 1 "recheck three days later: exit 1, a case is still open"
like "$out" "site\.test:443 +open +expiring, notAfter [0-9-]+ \(6 days\)" "… still expiring, 6 days left"
like "$(cat "$T/err")" "1 case checked: 0 resolved, 0 escalated, 1 still open" "… the summary says so"
is "$(NOW=$(at 3) casef "$DB" site.test last_checked)" "$(at 3)" "… last checked is the recheck's time"
is "$(lines "$T/opened.log")$(lines "$T/resolved.log")$(lines "$T/escalated.log")" 100 "… and no action ran again"

"$CN" parse --rules "$R" "${CA[@]}" "${OLD[@]}" --db "$DB" --now "$(at 4)" "$T/m/site2.eml" >/dev/null 2>&1
is "$(casef "$DB" site.test notices)/$(casef "$DB" site.test state)" 2/open "a second notice updates the case: 2 notices, still open"
"$CN" parse --rules "$R" "${CA[@]}" "${OLD[@]}" --db "$DB" --now "$(at 4)" "$T/m/site1.eml" "$T/m/site2.eml" >/dev/null 2>&1
is "$(casef "$DB" site.test notices)" 2 "the same mails parsed again are not counted twice"
is "$(sql "$DB" 'SELECT count(*) FROM notices')" 2 "… the ledger holds two notices"
is "$(lines "$T/opened.log")" 1 "… and no second case-opened"

out=$("$CN" recheck --db "$DB" "${CA[@]}" "${NEW[@]}" --now "$(at 5)" 2>"$T/err"); rc=$?
is "$rc" 0 "renewed: recheck exits 0, nothing is open any more"
like "$out" "site\.test:443 +open → resolved +ok, notAfter" "… open → resolved"
is "$(casef "$DB" site.test state)" resolved "… the case is resolved"
is "$(lines "$T/resolved.log")/$(jfield previous_state < "$T/resolved.log")" 1/open "[action case-resolved] ran once, from open"
out=$("$CN" cases --db "$DB" --now "$(at 5)"); rc=$?
is "$rc" 0 "cases: exit 0 with no open case"
like "$out" "no open cases in .*timeline\.db" "… and says so"
like "$out" "1 resolved: --all shows them" "… and that one is resolved"
like "$("$CN" cases --db "$DB" --all --now "$(at 5)")" "site\.test +resolved +sakura" "cases --all lists the resolved case"

"$CN" recheck --db "$DB" "${CA[@]}" "${NEW[@]}" --now "$(at 6)" >/dev/null 2>"$T/err"
like "$(cat "$T/err")" "0 cases checked" "a resolved case is not checked again"
"$CN" parse --rules "$R" "${CA[@]}" "${OLD[@]}" --db "$DB" --now "$(at 6)" "$T/m/site1.eml" >/dev/null 2>&1
"$CN" parse --rules "$R" "${CA[@]}" "${NEW[@]}" --db "$DB" --now "$(at 6)" --no-verify "$T/m/site3.eml" >/dev/null 2>&1
is "$(sql "$DB" "SELECT count(*), group_concat(state) FROM cases WHERE domain = 'site.test'")" "1|resolved" \
	"a repeat, and a late notice about the replaced certificate, open no new case"
is "$(casef "$DB" site.test notices)" 3 "… the late one is counted with its case"
is "$(lines "$T/opened.log")$(lines "$T/resolved.log")" 11 "… and nothing is announced again"

# ---- 2. notice → expired → escalated ----
DYING=(--connect-to "$(tls_connect_to dying dying.test)")
"$CN" parse --rules "$R" "${CA[@]}" "${DYING[@]}" --db "$DB" --now "$(at 0)" "$T/m/dying1.eml" >/dev/null 2>&1
is "$(casef "$DB" dying.test state)/$(casef "$DB" dying.test verdict)" open/action-required "a renewal failure with 4 days left opens a case"
is "$(lines "$T/opened.log")" 2 "… announced"
out=$("$CN" recheck --db "$DB" "${CA[@]}" "${DYING[@]}" --now "$(at 6)" 2>/dev/null); rc=$?
is "$rc" 1 "six days later the certificate has expired: recheck exits 1"
like "$out" "dying\.test:443 +open → escalated +expired" "… open → escalated"
is "$(lines "$T/escalated.log")/$(jfield live_status < "$T/escalated.log")" 1/expired "[action case-escalated] ran once"
out=$("$CN" cases --db "$DB" --now "$(at 6)" --format json); rc=$?
is "$rc/$(printf '%s\n' "$out" | jfield state)/$(printf '%s\n' "$out" | jfield days_left)" 1/escalated/-1 \
	"cases: the escalated case, a day past its notAfter, exit 1"
"$CN" recheck --db "$DB" "${CA[@]}" "${DYING[@]}" --now "$(at 7)" >/dev/null 2>&1
is "$(casef "$DB" dying.test state)/$(lines "$T/escalated.log")" escalated/1 "still expired a day later: no second announcement"
"$CN" recheck --db "$DB" "${CA[@]}" --connect-to "$(tls_connect_to dyingnew dying.test)" --now "$(at 8)" >/dev/null 2>&1
is "$(casef "$DB" dying.test state)/$(lines "$T/resolved.log")" resolved/2 "renewed at last: escalated → resolved, announced"

# ---- 3. what opens no case, what opens one escalated ----
"$CN" parse --rules "$R" "${CA[@]}" --connect-to "$(tls_connect_to fresh fresh.test)" \
	--connect-to "$(tls_connect_to dead dead.test)" --db "$DB" --now "$(at 0)" "$T/m/fresh.eml" "$T/m/phish.eml" \
	"$T/m/dead.eml" >/dev/null 2>&1
is "$(sql "$DB" "SELECT verdict, case_id IS NULL FROM notices WHERE domain = 'fresh.test'")" "renewed|1" \
	"a notice already renewed is recorded, and opens no case"
is "$(sql "$DB" "SELECT verdict, case_id IS NULL FROM notices WHERE source LIKE '%phish.eml'")" "suspicious|1" \
	"a suspicious mail is recorded, and opens no case"
is "$(casef "$DB" site.test state)/$(casef "$DB" site.test notices)" "resolved/3" \
	"… nor touches the case of the name it spoofs"
is "$(casef "$DB" dead.test state)" escalated "a notice whose certificate has already expired opens an escalated case"
is "$(lines "$T/opened.log")/$(lines "$T/escalated.log")" 3/2 "… announced as opened and as escalated, once each"

# ---- 4. fifty filters at once through the real procmail, while recheck runs ----
if command -v procmail >/dev/null; then
	C=$T/conc
	mkdir -p "$C/in" "$C/out" "$C/plain"
	CDB=$C/cases.db
	cat > "$C/config" <<EOF
[action case-opened]
command = sh -c 'cat >> $C/opened.log'
[action case-resolved]
command = sh -c 'cat >> $C/resolved.log'
EOF
	# 10 certificates, 4 notices each (40 mails), and 10 of them delivered twice
	for d in 0 1 2 3 4 5 6 7 8 9; do
		for k in 1 2 3 4; do echo "$C/in/c$d-$k.eml warn c$d.test -$((k + 3)) mid=n$k.c$d"; done
	done | mails
	n=0
	for f in "$C"/in/*.eml; do n=$((n + 1)); cp "$f" "$C/in/$(printf %02d $n).mail"; done
	for d in 0 1 2 3 4 5 6 7 8 9; do n=$((n + 1)); cp "$C/in/c$d-1.eml" "$C/in/$(printf %02d $n).mail"; done
	BUDGET=10
	cat > "$C/filter.rc" <<EOF
SHELL=/bin/sh
MAILDIR=$C/out
DEFAULT=$C/out/
LOGFILE=$C/procmail.log
:0 fw
| $CN filter --rules $R --no-verify --config $C/config --db $CDB --timeout $BUDGET
EOF
	printf 'SHELL=/bin/sh\nMAILDIR=%s\nDEFAULT=%s/\n:0 fw\n| cat\n' "$C/plain" "$C/plain" > "$C/plain.rc"
	for f in "$C"/in/*.mail; do procmail -m "$C/plain.rc" < "$f"; done
	RECHECK=("$CN" recheck --config "$C/config" --db "$CDB" "${CA[@]}" --connect-to ":443:127.0.0.1:$(tls_port many)")
	( while [ ! -e "$C/stop" ]; do "${RECHECK[@]}" >/dev/null 2>>"$C/recheck.err"; echo x >> "$C/rechecks"; done ) &
	rpid=$!
	t0=$(date +%s.%N)
	pids=
	for f in "$C"/in/*.mail; do
		( s=$(date +%s%N); procmail -m "$C/filter.rc" < "$f"; rc=$?
		  echo "$rc $(( ($(date +%s%N) - s) / 1000000 ))" > "$f.rc" ) &
		pids="$pids $!"
	done
	wait $pids
	el=$(echo "$(date +%s.%N) - $t0" | bc)
	touch "$C/stop"; wait "$rpid"
	is "$(cat "$C"/in/*.rc | awk '$1 != 0' | wc -l)/$(ls "$C"/in/*.rc | wc -l)" 0/50 "50 procmail deliveries at once: all exit 0"
	slowest=$(cat "$C"/in/*.rc | awk '{ if ($2 > m) m = $2 } END { print m + 0 }')
	ok "… each within its ${BUDGET}s budget (slowest ${slowest} ms, all 50 in ${el}s)" test "$slowest" -lt $((BUDGET * 1000))
	python3 - "$C" "$SRCDIR/tests" > "$C/bytes" <<'PY'
import sys, re, glob
sys.path.insert(0, sys.argv[2])
from mailtools import strip_ours
c = sys.argv[1]
files = glob.glob(c + "/out/new/*")
judged = sum(1 for f in files if re.search(rb"(?m)^X-Certnotice-Verdict: unverified\r?$", open(f, "rb").read()))
got = sorted(strip_ours(open(f, "rb").read()) for f in files)
want = sorted(open(f, "rb").read() for f in glob.glob(c + "/plain/new/*"))
print(len(got), judged, got == want)
PY
	is "$(cat "$C/bytes")" "50 50 True" \
		"… every mail delivered, judged (our verdict header), byte for byte the plain delivery plus our headers"
	got=$(sql "$CDB" 'SELECT count(*), count(DISTINCT message_id), count(case_id) FROM notices')
	is "$got" "40|40|40" "… every notice recorded exactly once (40 mails, 10 of them delivered twice)"
	[ "$got" = "40|40|40" ] || grep -a certnotice "$C/procmail.log" | sed 's/^/#   /' | head -20
	"${RECHECK[@]}" >/dev/null 2>>"$C/recheck.err"
	is "$(sql "$CDB" 'SELECT count(*), count(DISTINCT domain), sum(notices), group_concat(DISTINCT state) FROM cases')" \
		"10|10|40|resolved" "… one case per certificate, 4 notices each; a last recheck resolved them all"
	is "$(lines "$C/opened.log")/$(jfield domain < "$C/opened.log" | sort -u | wc -l)" 10/10 \
		"case-opened ran exactly once per case, with recheck running alongside ($(lines "$C/rechecks") rechecks)"
	is "$(lines "$C/resolved.log")/$(jfield domain < "$C/resolved.log" | sort -u | wc -l)" 10/10 "case-resolved exactly once per case"
	is "$(sql "$CDB" 'SELECT count(*) FROM events WHERE announced IS NULL')" 0 "… no event left unannounced"
	# the log may only list the deliveries (procmail) and say which case
	# actions ran: nothing failed, waited or was passed through
	is "$(grep -av -e '^certnotice filter: case c[0-9]\.test opened: hook sh$' -e '^From ' -e '^ Subject: ' \
		-e '^  Folder: ' -e '^ *$' "$C/procmail.log" | cat - "$C/recheck.err" |
		grep -a -v -e '^certnotice recheck: \(no ledger at\|[0-9]* cases\? checked\)' \
			-e '^certnotice recheck: case c[0-9]\.test \(opened\|resolved\): hook sh$')" "" \
		"nothing else in procmail's log or from recheck: no 'database is locked', no busy ledger, no mail passed through"
else
	skip "concurrency" "procmail is not installed"
fi

# ---- 5. the same mail through filter, then IMAP: one notice ----
mails <<EOF
	$T/m/imap1.eml fail imap1.test 0 mid=fail.imap1
	$T/m/imap2.eml fail imap2.test 0 mid=fail.imap2
	$T/m/imap3.eml warn imap3.test -5 mid=-
EOF
FILTER=("$CN" filter --rules "$R" --no-verify)
"${FILTER[@]}" < "$T/m/imap1.eml" > "$T/imap1.out" 2>"$T/err"; rc=$?
SDB=$T/state/certnotice/cases.db
is "$rc/$(stat -c %a "$SDB")/$(stat -c %a "$T/state/certnotice")" 0/600/700 \
	"filter records in \$XDG_STATE_HOME/certnotice/cases.db (0600, directory 0700) by default"
"${FILTER[@]}" < "$T/m/imap3.eml" > /dev/null 2>&1
"${FILTER[@]}" < "$T/m/imap3.eml" > /dev/null 2>&1
is "$(sql "$SDB" "SELECT count(*), count(message_id), group_concat(DISTINCT substr(dedupe, 1, 4)) FROM notices WHERE domain = 'imap3.test'")" \
	"1|0|hdr:" "a mail without Message-ID filtered twice is one notice (a hash of its headers)"
# a filter lives for one commit: SQLite's own checkpoint never empties the
# WAL for such processes, and each one reads the whole WAL as it opens
WDB=$T/wal.db
for i in $(seq 100); do "${FILTER[@]}" --db "$WDB" < "$T/m/imap3.eml" > /dev/null 2>&1; done
wal=$(stat -c %s "$WDB-wal" 2>/dev/null || echo 0)
ok "100 filters of a notice leave a WAL of at most 64 pages and a commit's ($wal bytes; 1.2 MB before it was folded back)" \
	test "$wal" -le $(((64 + 8) * 4120))
is "$(sql "$WDB" "SELECT count(*) FROM notices")" 1 "… and the ledger holds the notice once"
if command -v dovecot >/dev/null; then
	chmod 711 "$T"   # the mail user must reach the Dovecot directory
	. "$SRCDIR/tests/imap/dovecot.sh"
	if imap_start "$T/dovecot" >/dev/null; then
		printf '#!/bin/sh\nprintf "%%s\\n" "%s"\n' "$IMAP_PASS" > "$T/pw"
		chmod +x "$T/pw"
		imap_deliver INBOX "$T/imap1.out" >/dev/null     # as the MDA stored it: with our headers
		imap_deliver INBOX "$T/m/imap2.eml" >/dev/null
		POLL=("$CN" imap --rules "$R" --no-verify --url "imaps://127.0.0.1:$IMAPS_PORT/INBOX" --user "$IMAP_USER"
			--password-command "$T/pw" --imap-cacert "$IMAP_CACERT" --state "$T/imap.state" --once)
		"${POLL[@]}" --dry-run >/dev/null 2>&1
		is "$(sql "$SDB" "SELECT count(*) FROM notices WHERE domain = 'imap2.test'")" 0 "imap --dry-run records nothing"
		"${POLL[@]}" >/dev/null 2>"$T/imap.err"; rc=$?
		is "$rc" 0 "imap polls the mailbox"
		is "$(sql "$SDB" "SELECT domain, count(*), group_concat(via) FROM notices WHERE domain IN ('imap1.test', 'imap2.test') GROUP BY domain")" \
			"$(printf 'imap1.test|1|filter\nimap2.test|1|imap')" "the mail the filter saw is one notice; the new one is recorded by imap"
		is "$(sql "$SDB" "SELECT notices FROM cases WHERE domain = 'imap1.test'")" 1 "… its case holds one notice"
		imap_stop >/dev/null 2>&1
	else
		skip "imap" "Dovecot did not start"
	fi
else
	skip "imap" "dovecot is not installed"
fi
XDG_STATE_HOME=$T/stranger "$CN" parse --rules "$R" --no-verify "$T/m/imap2.eml" >/dev/null 2>&1
ok "parse without --record leaves no trace" test ! -e "$T/stranger"

# ---- 6. a ledger that is broken, busy or unwritable never costs a mail ----
B=$T/broken
mkdir -p "$B"
head -c 20000 /dev/urandom > "$B/garbage.db"
dbcopy "$DB" "$B/torn.db"
python3 -c 'f = open(__import__("sys").argv[1], "r+b"); f.seek(100); f.write(b"\xff" * 3000)' "$B/torn.db"   # the schema page
python3 -c 'import sqlite3, sys; d = sqlite3.connect(sys.argv[1]); d.execute("CREATE TABLE t (x)"); d.commit()' "$B/foreign.db"
dbcopy "$DB" "$B/newer.db"
python3 -c 'import sqlite3, sys; d = sqlite3.connect(sys.argv[1]); d.execute("PRAGMA user_version = 99"); d.commit()' "$B/newer.db"
mkdir -p "$B/dir.db"
touch "$B/notadir"
# delivered FILE DB: filter FILE into DB; print "exit-status/intact" (intact: the output minus our headers is FILE)
delivered() {
	"$CN" filter --rules "$R" --no-verify --db "$2" < "$1" > "$B/out" 2>"$B/err"; local rc=$?
	strip_ours "$B/out" | cmp -s - "$1" && grep -q '^X-Certnotice-Verdict: unverified' "$B/out" && echo "$rc/intact" || echo "$rc/damaged"
}
for c in "garbage.db:damaged or is not a certnotice ledger" "torn.db:damaged or is not a certnotice ledger" \
	"foreign.db:not a certnotice ledger" "newer.db:newer certnotice" "dir.db:cannot be written" \
	"notadir/x.db:cannot create directory"; do
	f=${c%%:*} want=${c#*:}
	is "$(delivered "$T/m/imap2.eml" "$B/$f")" 0/intact "filter, ledger $f: exit 0, the mail intact with its verdict"
	like "$(cat "$B/err")" "ledger .*$want.*not recorded" "… and stderr says why it was not recorded"
done
out=$("$CN" cases --db "$B/garbage.db" 2>&1); rc=$?
is "$rc" 65 "cases on a damaged ledger: exit 65"
like "$out" "damaged or is not a certnotice ledger.*mv .*garbage\.db .*garbage\.db\.broken.*new ledger starts.*\.recover" \
	"… it says what is wrong and how to recover"
out=$("$CN" cases --db "$B/torn.db" --all 2>&1); rc=$?
is "$rc" 65 "cases on a ledger with a damaged page: exit 65"
like "$out" "malformed.*mv " "… it says so, and how to recover"
out=$("$CN" cases --db "$B/foreign.db" 2>&1); rc=$?
like "$rc: $out" "^65: .*not a certnotice ledger.*another application" "another application's database: exit 65, not touched"
out=$("$CN" cases --db "$B/newer.db" 2>&1); rc=$?
like "$rc: $out" "^78: .*newer certnotice \(schema 99; this one knows up to 1\): upgrade certnotice" \
	"a ledger of a newer certnotice: exit 78, it says to upgrade"
out=$("$CN" recheck --db "$B/dir.db" 2>&1); rc=$?
like "$rc: $out" "^73: .*cannot be written.*chmod" "a ledger that cannot be opened: exit 73, with what to do"
mv "$B/garbage.db" "$B/garbage.db.broken"
is "$(delivered "$T/m/imap2.eml" "$B/garbage.db")" 0/intact "after moving the damaged file aside as told, the next notice…"
is "$(sql "$B/garbage.db" 'SELECT count(*) FROM cases')" 1 "… starts a new ledger"

# busy: another process holds the write lock longer than the budget
python3 - "$B/held.db" "$B/held.ready" <<'PY' &
import sys, sqlite3, time, os
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode = WAL"); db.execute("CREATE TABLE IF NOT EXISTS x (y)")
db.execute("BEGIN IMMEDIATE"); open(sys.argv[2], "w").close(); time.sleep(4)
PY
holder=$!
for i in $(seq 50); do [ -e "$B/held.ready" ] && break; sleep 0.1; done
t0=$(date +%s.%N)
"$CN" filter --rules "$R" --no-verify --db "$B/held.db" --timeout 2 < "$T/m/imap2.eml" > "$B/out" 2>"$B/err"; rc=$?
el=$(echo "$(date +%s.%N) - $t0" | bc)
strip_ours "$B/out" | cmp -s - "$T/m/imap2.eml"
is "$rc/$?" 0/0 "a ledger locked by another process: the filter delivers the mail intact, exit 0"
ok "… within its 2 s budget (${el}s)" test "$(echo "$el < 2" | bc)" = 1
like "$(cat "$B/err")" "busy.*not recorded" "… and logs that the notice was not recorded"
unlike "$(cat "$B/err")" "database is locked" "… in our words, not SQLite's"
wait "$holder"

# unwritable: a ledger the user may read but not write (as an ordinary user)
dbcopy "$DB" "$B/ro.db"
chmod 444 "$B/ro.db"
chmod 755 "$B"
AS=()
if [ "$(id -u)" = 0 ]; then
	if command -v setpriv >/dev/null; then
		chmod 711 "$T"; chmod -R a+rX "$T/config" "$T/m"
		mkdir -m 777 "$T/nobody"
		AS=(setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$T/nobody" ASAN_OPTIONS=log_path="$T/nobody/san" UBSAN_OPTIONS=log_path="$T/nobody/san")
	else
		AS=(false)
	fi
fi
if [ "${AS[0]:-}" != false ]; then
	"${AS[@]}" "$CN" filter --rules "$R" --no-verify --db "$B/ro.db" < "$T/m/imap2.eml" > "$B/out" 2>"$B/err"; rc=$?
	strip_ours "$B/out" | cmp -s - "$T/m/imap2.eml"
	is "$rc/$?" 0/0 "a read-only ledger: the filter delivers the mail intact, exit 0"
	like "$(cat "$B/err")" "ro\.db.*not recorded" "… and says it was not recorded"
	out=$("${AS[@]}" "$CN" cases --db "$B/ro.db" --all --now "$(at 8)" 2>&1); rc=$?
	like "$out" "warning: ledger .*ro\.db cannot be written.*chmod u\+rw" "cases on a read-only ledger says filter cannot record, and how to fix it"
	like "$rc: $(printf '%s\n' "$out" | grep dead.test)" "^1: dead\.test +escalated" "… and still lists the cases (exit 1: one is escalated)"
	cat "$T/nobody"/san.* > "$T/san.nobody" 2>/dev/null || rm -f "$T/san.nobody"
else
	skip "read-only ledger" "running as root without setpriv"
fi

# ---- 7. cases: formats, forget, retention, config ----
out=$("$CN" cases --db "$DB" --format prometheus --now "$(at 8)"); rc=$?
like "$out" 'certnotice_case_days_left\{domain="dead\.test",port="443",provider="sakura",state="escalated"\} -13' \
	"prometheus: days left per open case"
like "$(printf '%s' "$out" | tr '\n' ' ')" '# TYPE certnotice_cases gauge certnotice_cases\{state="open"\} 0 certnotice_cases\{state="escalated"\} 1 certnotice_cases\{state="resolved"\} 2' \
	"… and a count by state"
is "$(printf '%s\n' "$out" | grep -c 'site\.test')" 0 "… resolved cases have no days-left gauge"
out=$("$CN" cases --db "$DB" --format json --all --now "$(at 8)")
is "$(printf '%s\n' "$out" | grep -c .)" 3 "json: one object per case"
is "$(printf '%s\n' "$out" | head -1 | python3 -c 'import json, sys; print(sorted(json.load(sys.stdin)))')" \
	"['days_left', 'domain', 'expires_claimed', 'kind', 'last_checked', 'last_notice', 'live_status', 'not_after', 'notices', 'opened', 'port', 'provider', 'resolved', 'state', 'updated', 'verdict']" \
	"… with domain, provider, state, opened, expires_claimed, not_after, days_left, notices and more"
out=$("$CN" cases --db "$T/none.db" 2>&1); rc=$?
like "$rc: $out" "^0: .*no ledger at .*none\.db yet" "cases before anything was recorded: exit 0, and says so"
ok "… without creating the file" test ! -e "$T/none.db"

dbcopy "$DB" "$B/keep.db"
out=$("$CN" cases --db "$B/keep.db" forget site.test); rc=$?
like "$rc: $out" "^0: forgot 1 case of site\.test" "cases forget DOMAIN"
is "$(sql "$B/keep.db" "SELECT count(*) FROM cases WHERE domain = 'site.test'")/$(sql "$B/keep.db" "SELECT count(*) FROM notices WHERE domain = 'site.test'")" \
	"0/4" "… drops its case; its mails stay known (and the spoof of it)"
"$CN" parse --rules "$R" --no-verify --db "$B/keep.db" "$T/m/site1.eml" >/dev/null 2>&1
is "$(sql "$B/keep.db" "SELECT count(*) FROM cases WHERE domain = 'site.test'")" 0 "… so the same mail does not open it again"
out=$("$CN" cases --db "$B/keep.db" forget nosuch.test 2>&1); rc=$?
like "$rc: $out" "^1: .*no case of nosuch\.test" "forgetting a domain without a case: exit 1"
printf '[certnotice]\nkeep_resolved_days = 30\n' > "$B/keep.conf"
"$CN" recheck --config "$B/keep.conf" --db "$B/keep.db" "${CA[@]}" --connect-to "$(tls_connect_to dead dead.test)" \
	--now "$(at 45)" >/dev/null 2>"$B/err"
like "$(cat "$B/err")" "1 resolved case past keep_resolved_days forgotten" "keep_resolved_days: recheck forgets old resolved cases"
is "$(sql "$B/keep.db" "SELECT group_concat(domain) FROM cases")/$(sql "$B/keep.db" "SELECT count(*) FROM notices WHERE domain = 'dying.test'")" \
	"dead.test/0" "… with their notices; the open case stays"

for c in "db = relative/cases.db:give an absolute path" "keep_resolved_days = 0:give days, 1 to 36500" \
	"keep_resolved_days = soon:give days"; do
	printf '# ledger\n[certnotice]\n%s\n' "${c%%:*}" > "$B/bad.conf"
	out=$("$CN" cases --config "$B/bad.conf" 2>&1); rc=$?
	like "$rc: $out" "^78: .*bad\.conf:3: \[certnotice\] ${c%% *}: .*${c#*:}" "config: ${c%%:*} is refused, naming file:line"
done
printf '[action case-reopened]\ncommand = true\n' > "$B/bad.conf"
like "$("$CN" cases --config "$B/bad.conf" 2>&1)" "bad\.conf:1: \[action case-reopened\]: not a case event \(case-opened, case-escalated, case-resolved\)" \
	"config: an unknown case event is refused"
printf '[action case-opened]\nkeyword = $Cert\n' > "$B/bad.conf"
like "$("$CN" cases --config "$B/bad.conf" 2>&1)" "bad\.conf:2: \[action case-opened\] keyword: unknown key \(this group takes: command, webhook\)" \
	"config: a case has no IMAP keyword"
printf '[certnotice]\ndb = ~/ledger/cases.db\n' > "$B/home.conf"
"$CN" parse --rules "$R" --no-verify --config "$B/home.conf" --record "$T/m/imap2.eml" >/dev/null 2>&1
ok "config: db = ~/… is the user's home" test -s "$T/ledger/cases.db"
out=$("$CN" recheck --db "$DB" --no-verify 2>&1); rc=$?
like "$rc: $out" "^64: .*--no-verify leaves nothing to do" "recheck --no-verify is a usage error"

# ---- 8. in the user's language: what people read, not what is kept ----
ja() { LC_ALL=ja_JP.UTF-8 "$CN" "$@"; }
if [ -n "$(locale -a 2>/dev/null | grep -ix 'ja_JP\.utf-\?8')" ]; then
	head -c 20000 /dev/urandom > "$B/ja-garbage.db"
	out=$(ja cases --db "$B/ja-garbage.db" 2>&1); rc=$?
	like "$rc: $out" "^65: certnotice cases: 台帳 .*ja-garbage\.db は壊れているか、certnotice の台帳ではありません \(.*\)。復旧するには.*\(mv .*ja-garbage\.db .*ja-garbage\.db\.broken\).*\.recover" \
		"Japanese locale: a damaged ledger is explained, with how to recover, in Japanese (same exit 65)"
	out=$(ja cases --db "$B/newer.db" 2>&1); rc=$?
	like "$rc: $out" "^78: .*新しい certnotice が書いたものです \(スキーマ 99。この certnotice が扱えるのは 1 まで\)" \
		"… a ledger of a newer certnotice too"
	ja filter --rules "$R" --no-verify --db "$B/dir.db" < "$T/m/imap2.eml" > "$B/out" 2>"$B/err"; rc=$?
	strip_ours "$B/out" | cmp -s - "$T/m/imap2.eml"
	is "$rc/$?" 0/0 "… filter with an unwritable ledger still delivers the mail intact"
	like "$(cat "$B/err")" "^certnotice filter: 台帳 .*dir\.db に書き込めません \(.*\): .*chmod u\+rw.*: 記録していません\$" "… and logs why in Japanese"
	is "$(sed -n 's/^X-Certnotice-Verdict: //p' "$B/out")" unverified "… while the header it adds stays English"
	out=$(ja cases --db "$DB" --all --now "$(at 8)")
	like "$(printf '%s\n' "$out" | head -1)" "^ドメイン +状態 +プロバイダ +登録日 +通知の期限 +証明書の期限 +残り日数 +最終確認 +通知数\$" \
		"cases: the table's headers in Japanese"
	like "$out" "dead\.test +エスカレート +sakura " "… the states too"
	# every column starts where its header does (wide characters take two columns)
	is "$(printf '%s\n' "$out" | python3 -c '
import sys, unicodedata
def cols(line):
    starts, w, prev = [], 0, " "
    for ch in line:
        if ch != " " and prev == " " and (not starts or w - starts[-1][1] > 0):
            starts.append((ch, w))
        w += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        prev = ch
    return [x for _, x in starts]
lines = sys.stdin.read().splitlines()
head = cols(lines[0])
print(all(cols(l)[:3] == head[:3] for l in lines[1:]))')" True "… and the columns line up under them"
	is "$(ja cases --db "$DB" --all --format json --now "$(at 8)" | md5sum)" \
		"$("$CN" cases --db "$DB" --all --format json --now "$(at 8)" | md5sum)" "… JSON is the same under a Japanese locale"
	is "$(ja cases --db "$DB" --format prometheus --now "$(at 8)" | md5sum)" \
		"$("$CN" cases --db "$DB" --format prometheus --now "$(at 8)" | md5sum)" "… and so is Prometheus"
	dbcopy "$DB" "$B/ja.db"
	out=$(ja recheck --db "$B/ja.db" "${CA[@]}" --connect-to "$(tls_connect_to dead dead.test)" --now "$(at 8)" 2>"$B/err"); rc=$?
	like "$rc: $out" "^1: dead\.test:443 +エスカレート +期限切れ、証明書の期限 [0-9-]+ \(残り -13 日\): " "recheck: each case's line in Japanese"
	like "$(cat "$B/err")" "^certnotice recheck: 1 件を確認: 解決 0 件、エスカレート 0 件、未解決のまま 1 件\$" "… and the summary"
	is "$(sql "$B/ja.db" "SELECT state, live_status FROM cases WHERE domain = 'dead.test'")" "escalated|expired" \
		"… while the ledger keeps English"
	ja parse --rules "$R" --no-verify --db "$B/ja-new.db" "$T/m/imap2.eml" >/dev/null 2>"$B/err"
	is "$(cat "$B/err")" "certnotice parse: 案件 imap2.test を登録しました: フック sh" "a case action's log line in Japanese"
	printf '[action case-opened]\ncommand = false\n' > "$B/false.conf"
	ja parse --config "$B/false.conf" --rules "$R" --no-verify --db "$B/ja-fail.db" "$T/m/imap2.eml" >/dev/null 2>"$B/err"
	is "$(cat "$B/err")" "certnotice parse: 案件 imap2.test を登録しました: フック false: 終了コード 1 (次の recheck で再試行します)" \
		"… a failed action's too"
	is "$(sql "$B/ja-fail.db" 'SELECT error FROM events')" "hook false: exit status 1" "… while the ledger keeps why in English"
else
	skip "Japanese" "the ja_JP.UTF-8 locale is missing (tools/deps.sh --test makes it)"
fi

san_check
done_testing
