#!/usr/bin/env bash
# deps.sh — install what building and testing certnotice needs (Debian 12).
# Installs only what is missing; needs root (or sudo) when something is.
# With --test, also what the tests drive, and the ja_JP.UTF-8 locale
# (tests/cli.sh runs certnotice in Japanese); systemd only for
# systemd-analyze (tests/systemd.sh checks the units; nothing is started).
set -euo pipefail
pkgs=(
	build-essential meson ninja-build pkg-config gettext
	libgmime-3.0-dev libglib2.0-dev libpcre2-dev libcurl4-openssl-dev libjson-glib-dev libsqlite3-dev
	openssl curl python3 bc procps time
)
[ "${1:-}" = --test ] && pkgs+=(clang libclang-rt-14-dev procmail maildrop dovecot-imapd dovecot-sieve locales systemd strace)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -q >/dev/null
	$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
# the Debian way (locale-gen rebuilds every locale from /etc/locale.gen, so
# one made with localedef alone would vanish at the next locale-gen)
if [ "${1:-}" = --test ] && ! locale -a 2>/dev/null | grep -qix 'ja_JP\.utf-\?8'; then
	echo "deps: generating the ja_JP.UTF-8 locale" >&2
	if grep -q '^# *ja_JP\.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null; then
		$SUDO sed -i 's/^# *\(ja_JP\.UTF-8 UTF-8\)/\1/' /etc/locale.gen
	else
		echo 'ja_JP.UTF-8 UTF-8' | $SUDO tee -a /etc/locale.gen >/dev/null
	fi
	$SUDO locale-gen >/dev/null
fi
exit 0
