#!/usr/bin/env bash
# Times card insertion to the rendered homepage on the real stack (pcscd + vpcd virtual card, the agent's journey,
# Ers.Web with TLS and a co-hosted silo, Debian's Chromium). Needs pcscd, vsmartcard-vpcd and chromium installed,
# and no other pcscd user at the same time. Usage: scripts/bench-e2e.sh [runs]   (default 10)
# scripts/bench-e2e.sh --desktop [runs]: the desktop agent run as its user unit runs it, on Xvfb with a session D-Bus,
# dunst and pinentry-gtk-2 (needs xvfb, dbus, dunst, pinentry-gtk2, xdotool, libnss3-tools): insertion -> passcode
# dialog visible, and the passcode entered -> the confirmation received by dunst.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [[ ${1:-} == --desktop ]]; then
  exec dotnet run --project perf/Ers.EndToEnd.Bench -c Release -- --desktop "${2:-10}"
fi
exec dotnet run --project perf/Ers.EndToEnd.Bench -c Release -- "${1:-10}"
