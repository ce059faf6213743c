#!/usr/bin/env bash
# systemd.sh — the units `meson install` installs (docs/examples/systemd):
# systemd-analyze accepts them, the system unit's sandbox scores "OK", and
# the user units use nothing a user manager cannot honour (TAP).
set -u
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${G_TEST_BUILDDIR:-$SRCDIR/build}
. "$SRCDIR/tests/tap.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

if ! command -v systemd-analyze >/dev/null; then
	echo "1..0 # SKIP systemd-analyze is not installed"
	exit 0
fi
meson install -C "$BUILD" --destdir "$T/root" --no-rebuild --quiet >"$T/install.log" 2>&1
ok "meson install --destdir works" [ $? = 0 ]
prefix=$(meson introspect "$BUILD" --buildoptions | python3 -c '
import json, sys
print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
USER_UNITS=$(cd "$T/root" && find . -path '*/systemd/user/*' -type f | sed 's|^\.||' | sort)
SYSTEM_UNITS=$(cd "$T/root" && find . -path '*/systemd/system/*' -type f | sed 's|^\.||' | sort)
is "$(echo $USER_UNITS | tr ' ' '\n' | xargs -n1 basename | tr '\n' ' ')" \
	"certnotice-imap-once.service certnotice-imap.service certnotice-imap.timer certnotice-judge.service certnotice-judge.socket certnotice-recheck.service certnotice-recheck.timer " \
	"user units installed"
is "$(echo $SYSTEM_UNITS | xargs -n1 basename)" "certnotice-imap.service" "a system unit installed"
like "$USER_UNITS" "^$prefix/lib/systemd/user/" "… under PREFIX/lib/systemd/{user,system} (searched by systemd for /usr and /usr/local)"

# ExecStart= names the installed binary: it is there (under DESTDIR)
bad=""
for u in $USER_UNITS $SYSTEM_UNITS; do
	for cmd in $(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$T/root$u"); do
		[ -x "$T/root$cmd" ] || bad="$bad $u:$cmd"
	done
done
is "$bad" "" "every ExecStart= is the binary meson installed ($prefix/bin/certnotice)"

# systemd-analyze verify, on the units as installed: only the DESTDIR prefix
# is added to the binary path (a real install has none)
mkdir -p "$T/v/user" "$T/v/system" "$T/run"
chmod 700 "$T/run"
for u in $USER_UNITS; do sed "s|^ExecStart=$prefix|ExecStart=$T/root$prefix|" "$T/root$u" > "$T/v/user/$(basename "$u")"; done
for u in $SYSTEM_UNITS; do sed "s|^ExecStart=$prefix|ExecStart=$T/root$prefix|" "$T/root$u" > "$T/v/system/$(basename "$u")"; done
out=$(systemd-analyze verify --man=no "$T"/v/system/* 2>&1); rc=$?
is "$rc/$out" "0/" "systemd-analyze verify: the system unit"
out=$(XDG_RUNTIME_DIR=$T/run systemd-analyze --user verify --man=no "$T"/v/user/* 2>&1); rc=$?
is "$rc/$out" "0/" "systemd-analyze --user verify: the user units"
# … and verify does catch a wrong path (so the two checks above mean something)
sed 's|^ExecStart=[^ ]*|ExecStart=/nonexistent/certnotice|' "$T/v/system/certnotice-imap.service" > "$T/v/wrong.service"
systemd-analyze verify --man=no "$T/v/wrong.service" >/dev/null 2>&1
is "$?" 1 "… a unit whose ExecStart= does not exist is refused"

# the system unit: its own user, a sandbox scored OK (exposure <= 3.0)
sys=$T/v/system/certnotice-imap.service
like "$(cat "$sys")" "^DynamicUser=yes" "the system unit runs as a dynamic user of its own"
score=$(systemd-analyze security --offline=true "$sys" 2>/dev/null | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p')
echo "# systemd-analyze security --offline=true: $score"
systemd-analyze security --offline=true --threshold=30 "$sys" >/dev/null 2>&1
is "$?" 0 "systemd-analyze security: exposure $score <= 3.0 (OK)"

# the user units: nothing a user manager cannot honour
uu=$(cat "$T"/v/user/*)
unlike "$uu" "^(ProtectSystem|ProtectHome|PrivateTmp|ReadWritePaths)=" "user units: no ProtectSystem/ProtectHome/PrivateTmp/ReadWritePaths (they would make \$HOME read-only)"
unlike "$uu" "network-online\.target" "user units: no network-online.target (a user manager has none)"
for t in certnotice-imap.timer certnotice-recheck.timer; do
	timer=$(cat "$T/v/user/$t")
	like "$timer" "^OnCalendar=" "$t has OnCalendar= (Persistent=true needs it)"
	like "$timer" "^OnStartupSec=" "… and OnStartupSec= (the user manager's start), not OnBootSec="
	unlike "$timer" "OnBootSec" "… no OnBootSec="
done
done_testing
