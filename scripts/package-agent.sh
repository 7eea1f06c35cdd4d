#!/usr/bin/env bash
# Builds the agent's Debian package: publishes src/Ers.Agent self-contained for linux-x64 as one executable (the
# .NET runtime inside it, so the workstation needs no .NET), lays out the package from packaging/ers-agent/ (user
# unit, autostart entry, icon, /etc/ers-agent/agent.json as a conffile, man page, copyright) and runs dpkg-deb.
#   scripts/package-agent.sh [--lintian] [OUTPUT_DIR]     (default artifacts/packages)
# Prints the path of ers-agent_<version>_amd64.deb; with --lintian, also checks it with lintian (fails on any tag).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
lint=0
if [[ ${1:-} == --lintian ]]; then
  lint=1
  shift
fi
out=$(realpath -m "${1:-$root/artifacts/packages}")
umask 022
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

version=$(dotnet msbuild src/Ers.Agent/Ers.Agent.csproj -getProperty:Version -p:Configuration=Release)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet publish src/Ers.Agent/Ers.Agent.csproj -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true \
  -o "$work/publish" -nologo -v quiet >&2

pkg=$work/root
files=packaging/ers-agent
install -D -m 0755 "$work/publish/Ers.Agent" "$pkg/usr/lib/ers-agent/ers-agent"
install -D -m 0644 "$work/publish/appsettings.json" "$pkg/usr/lib/ers-agent/appsettings.json"
mkdir -p "$pkg/usr/bin"
ln -s ../lib/ers-agent/ers-agent "$pkg/usr/bin/ers-agent"
install -D -m 0644 "$files/ers-agent.service" "$pkg/usr/lib/systemd/user/ers-agent.service"
install -D -m 0644 "$files/ers-agent.desktop" "$pkg/etc/xdg/autostart/ers-agent.desktop"
install -D -m 0644 "$files/agent.json" "$pkg/etc/ers-agent/agent.json"
install -D -m 0644 "$files/ers-agent.svg" "$pkg/usr/share/icons/hicolor/scalable/apps/ers-agent.svg"
install -D -m 0644 "$files/copyright" "$pkg/usr/share/doc/ers-agent/copyright"
install -D -m 0644 src/Ers.Agent/README.md "$pkg/usr/share/doc/ers-agent/README.md"
install -D -m 0644 "$files/lintian-overrides" "$pkg/usr/share/lintian/overrides/ers-agent"
mkdir -p "$pkg/usr/share/man/man1"
gzip -9n <"$files/ers-agent.1" >"$pkg/usr/share/man/man1/ers-agent.1.gz"
# A changelog entry for this version, dated by the last commit so the same commit builds the same package.
when=$(git log -1 --format=%cD 2>/dev/null || date -R)
printf 'ers-agent (%s) unstable; urgency=medium\n\n  * Built from the Ers repository (scripts/package-agent.sh).\n\n -- %s  %s\n' \
  "$version" "$(sed -n 's/^Maintainer: //p' "$files/control.in")" "$when" | gzip -9n >"$pkg/usr/share/doc/ers-agent/changelog.gz"
chmod 0644 "$pkg/usr/share/man/man1/ers-agent.1.gz" "$pkg/usr/share/doc/ers-agent/changelog.gz"

mkdir -p "$pkg/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" "$files/control.in" >"$pkg/DEBIAN/control"
printf '/etc/ers-agent/agent.json\n/etc/xdg/autostart/ers-agent.desktop\n' >"$pkg/DEBIAN/conffiles"
(cd "$pkg" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) >"$pkg/DEBIAN/md5sums"
chmod 0644 "$pkg/DEBIAN/control" "$pkg/DEBIAN/conffiles" "$pkg/DEBIAN/md5sums"

mkdir -p "$out"
deb="$out/ers-agent_${version}_amd64.deb"
# gzip rather than xz: the package is built inside a test, and xz on the 75 MB executable takes most of a minute.
dpkg-deb --root-owner-group -Zgzip --build "$pkg" "$deb" >&2
if ((lint)); then
  lintian --fail-on error,warning,info,pedantic --info "$deb" >&2
fi
echo "$deb"
