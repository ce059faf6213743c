#!/usr/bin/env bash
# bench/imap.sh — the IMAP poller on a mailbox of 10,000 messages of which
# 200 are notices (private Dovecot on loopback): first-poll time and bytes
# fetched, against fetching every message whole (BODY.PEEK[] with Python's
# imaplib), and the time of a poll that finds nothing new.  Run by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
B=build-bench
[ -f $B/build.ninja ] || meson setup $B --buildtype=release >/dev/null
ninja -C $B >/dev/null
CN=$PWD/$B/src/certnotice
N=${BENCH_N:-10000}
NOTICES=${BENCH_NOTICES:-200}
T=$(mktemp -d)
chmod 755 "$T"
trap 'imap_stop >/dev/null 2>&1; rm -rf "$T"' EXIT
. tests/imap/dovecot.sh
imap_start "$T/dovecot" >/dev/null

echo "generating $N messages ($NOTICES notices)…"
python3 - "$T/mails" "$N" "$NOTICES" <<'PY'
import os, sys, random, glob
out, n, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(out)
random.seed(3)
notices = sorted(glob.glob("samples/sakura/*.eml") + glob.glob("samples/conoha/*.eml"))
others = sorted(glob.glob("/work/shared/corpus/mikel-mail/spec/fixtures/emails/**/*.eml", recursive=True)) or sorted(glob.glob("samples/negative/*.eml"))
pick = set(random.sample(range(n), k))
filler = "Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n" * 40
for i in range(n):
    if i in pick:
        data = open(notices[i % len(notices)], "rb").read()
        data = data.replace(b"Message-ID: <", b"Message-ID: <bench%d." % i, 1)
    else:
        data = (b"From: someone%d@example.org\nTo: me@example.net\nSubject: message %d\n"
                b"Message-ID: <m%d@example.org>\nDate: Mon, 1 Jul 2024 10:00:00 +0000\n\n" % (i, i, i)) + filler.encode()
    open(os.path.join(out, "%05d.eml" % i), "wb").write(data)
PY
t0=$(date +%s.%N)
imap_deliver_many INBOX "$T"/mails/*.eml >/dev/null
echo "delivered in $(echo "$(date +%s.%N) - $t0" | bc) s"
printf '#!/bin/sh\necho "%s"\n' "$IMAP_PASS" > "$T/pw"; chmod +x "$T/pw"

poll() {
	CERTNOTICE_IMAP_STATS=1 /usr/bin/time -f '%e' -o "$T/time" "$CN" imap --rules rules --no-verify --once \
		--url "imaps://127.0.0.1:$IMAPS_PORT/INBOX" --user "$IMAP_USER" --password-command "$T/pw" \
		--imap-cacert "$IMAP_CACERT" --state "$T/state" --format json > "$T/out" 2> "$T/err" || true
}
poll
first=$(tail -1 "$T/time")
stats=$(grep 'poll:' "$T/err")
found=$(grep -c . "$T/out" || true)
poll
again=$(tail -1 "$T/time")
stats2=$(grep 'poll:' "$T/err")

python3 - "$IMAPS_PORT" "$IMAP_USER" "$IMAP_PASS" "$IMAP_CACERT" > "$T/whole" <<'PY'
import imaplib, ssl, sys, time
port, user, pw, ca = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
t0 = time.time()
ctx = ssl.create_default_context(cafile=ca)
m = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=ctx)
m.login(user, pw)
m.select("INBOX", readonly=True)
typ, data = m.uid("SEARCH", None, "ALL")
uids = data[0].split()
total = 0
for i in range(0, len(uids), 500):
    typ, resp = m.uid("FETCH", b",".join(uids[i:i + 500]).decode(), "(BODY.PEEK[])")
    for part in resp:
        if isinstance(part, tuple):
            total += len(part[1])
m.logout()
print("%.2f %d %d" % (time.time() - t0, total, len(uids)))
PY
read -r wt wbytes wcount < "$T/whole"

echo
echo "mailbox: $N messages, $NOTICES notices"
echo "certnotice first poll : ${first} s, $stats; $found notices reported"
echo "fetch everything whole: ${wt} s, $wbytes bytes for $wcount messages (imaplib, BODY.PEEK[])"
fb=$(echo "$stats" | sed -n 's/.*messages, \([0-9]*\) bytes.*/\1/p')
echo "bytes fetched: certnotice $fb vs whole $wbytes ($(echo "scale=1; 100 * $fb / $wbytes" | bc)%)"
echo "poll with nothing new : ${again} s, $stats2"
