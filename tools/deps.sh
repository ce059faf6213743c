#!/usr/bin/env bash
# deps.sh — install what building and testing certnotice needs (Debian 12).
# Installs only what is missing; needs root (or sudo) when something is.
set -euo pipefail
pkgs=(
	build-essential meson ninja-build pkg-config
	libgmime-3.0-dev libglib2.0-dev libpcre2-dev libcurl4-openssl-dev libjson-glib-dev
	openssl curl python3 bc procps time
)
[ "${1:-}" = --test ] && pkgs+=(clang libclang-rt-14-dev procmail maildrop dovecot-imapd)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}" >&2
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
