#!/bin/sh
# Downloads a Debian source package (the .dsc and its tarballs) into DIR without touching the system's apt
# state: a private sources list made from the system's own `deb` entries turned into `deb-src`.
# usage: scripts/debian-source.sh PACKAGE DIR
set -eu
pkg=$1
dest=$2
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
state="$dest/.apt"
mkdir -p "$state/lists/partial" "$state/sources.list.d"
: > "$state/sources.list"
# deb822 files: copy each stanza whose Types include deb, as deb-src.
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  sed -e 's/^Types:.*/Types: deb-src/' "$f" > "$state/sources.list.d/$(basename "$f")"
done
# One-line files.
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [ -f "$f" ] || continue
  grep -E '^deb ' "$f" | sed -e 's/^deb /deb-src /' >> "$state/sources.list" || true
done
opts="-o Dir::Etc::SourceList=$state/sources.list -o Dir::Etc::SourceParts=$state/sources.list.d -o Dir::State::Lists=$state/lists -o Dir::Cache=$state/cache"
mkdir -p "$state/cache/archives/partial"
# shellcheck disable=SC2086
apt-get $opts -qq update
cd "$dest"
# shellcheck disable=SC2086
apt-get $opts -qq source --download-only "$pkg"
ls "$dest"/*.dsc
