#!/usr/bin/env bash
# The one part of the resilience benchmark the operating system owns: a network namespace behind a veth pair, so
# that a silo started inside it (`ip netns exec`) can have its network cut. Called by `ers-load bench resilience`
# (perf/Ers.LoadTests/Bench); needs root.
#
#   scripts/bench-netns.sh up ID HOST_IP NS_IP    namespace ersbench-ID, veth ersh-ID (host, HOST_IP/30) <-> ersn-ID (NS_IP/30)
#   scripts/bench-netns.sh cut ID                 the host end down: the namespace is cut off
#   scripts/bench-netns.sh restore ID             the host end up again
#   scripts/bench-netns.sh down ID                delete the pair and the namespace (no error if gone)
#
# Names carry the caller's ID (its PID: a veth name has at most 15 characters) so that no other run can delete
# this run's namespace by name; the veth pair goes with either end.
set -euo pipefail

ACTION="${1:?usage: bench-netns.sh up|cut|restore|down ID [HOST_IP NS_IP]}"
ID="${2:?an id, the PID of the caller, is required}"
NS="ersbench-$ID"; VH="ersh$ID"; VN="ersn$ID"

case "$ACTION" in
  up)
    HOST_IP="${3:?HOST_IP}"; NS_IP="${4:?NS_IP}"
    # The subnet is fixed by the caller: a second run at the same time would take it over, so refuse instead.
    if ip -br addr | grep -q "$HOST_IP/"; then
      echo "$HOST_IP is already in use (another resilience run? if it is a leftover: ip link del DEVICE): $(ip -br addr | grep "$HOST_IP/")" >&2
      exit 1
    fi
    ip netns add "$NS"
    ip link add "$VH" type veth peer name "$VN"
    ip link set "$VN" netns "$NS"
    ip addr add "$HOST_IP/30" dev "$VH"
    ip link set "$VH" up
    ip netns exec "$NS" ip addr add "$NS_IP/30" dev "$VN"
    ip netns exec "$NS" ip link set "$VN" up
    ip netns exec "$NS" ip link set lo up
    echo "$NS"
    ;;
  cut) ip link set "$VH" down ;;
  restore) ip link set "$VH" up ;;
  down)
    ip link del "$VH" 2>/dev/null || true
    ip netns del "$NS" 2>/dev/null || true
    ;;
  *) echo "usage: bench-netns.sh up|cut|restore|down ID [HOST_IP NS_IP]" >&2; exit 2 ;;
esac
