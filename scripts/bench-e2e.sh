#!/usr/bin/env bash
# Times card insertion to the rendered homepage on the real stack (pcscd + vpcd virtual card, the agent's journey,
# Ers.Web with TLS and a co-hosted silo, Debian's Chromium). Needs pcscd, vsmartcard-vpcd and chromium installed,
# and no other pcscd user at the same time. Usage: scripts/bench-e2e.sh [runs]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
exec dotnet run --project perf/Ers.EndToEnd.Bench -c Release -- "${1:-10}"
