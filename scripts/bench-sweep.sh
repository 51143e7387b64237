#!/usr/bin/env bash
# bench-sweep.sh — how fast camsweep's active sweep finds every host of a
# segment, next to arp-scan and nmap's ARP ping scan on the same segment.
#
# Builds, inside Linux network namespaces (198.18.0.0/15, no route out: no
# packet reaches a real network), a /24 of plain hosts (ARP and ping only;
# Hikvision, Dahua and other makers' OUIs) around the simulated camsim
# devices, and times each tool several times from the lab's scanner
# namespace: `camsweep sweep` (everything, at its default paces),
# `camsweep sweep --probes arp --rate RATE`, `arp-scan --localnet` and
# `nmap -sn -PR`, the last two at their defaults and paced to RATE too
# (equal politeness). Prints median wall time, hosts
# found, hosts with a maker named (OUI or identified) and, for camsweep,
# hosts whose model it identified. Then a /22 of 1,000 hosts for camsweep,
# to show scaling. Needs root. Run from anywhere inside the repository:
#
#	sudo scripts/bench-sweep.sh                 # RUNS=5 RATE=300 by default
#	sudo RUNS=3 SCALING=false scripts/bench-sweep.sh
#	sudo RUNS=3 FLAT16=true scripts/bench-sweep.sh   # the flat /16 instead
#	sudo RUNS=1 ROUTED16=true scripts/bench-sweep.sh # a routed /16, beside nmap
#
# FLAT16=true builds one flat 198.18.0.0/16 instead: the camsim devices and
# FLAT16_PLAIN (default 190) plain hosts spread over it, and times
# `camsweep sweep` at its default paces (the floor is 65,534 addresses at
# --broadcast-rate 300, 218 s), at --broadcast-rate 1000 --rate 5000, and at
# that pace with --listen. Each run's CPU time and peak RSS go to stderr.
# About 6 minutes a run on two cores.
#
# ROUTED16=true builds 198.19.0.0/16 behind the lab's router instead: six
# camsim devices and FLAT16_PLAIN plain hosts (they answer ping and refuse
# every TCP port; a quarter of them are firewalled and answer ping only)
# spread over it; the router drops packets to the empty addresses. Times
# `camsweep sweep --targets 198.19.0.0/16` (and the same without ICMP echo)
# beside `nmap -sn -n -T4 --min-rate 1000` and
# `nmap -n -T4 --min-rate 1000 -p 80,443,554,8000 --open` (each capped at
# 10 minutes; at nmap's default timing neither had finished by then).
# ROUTED_NET=198.19.0.0/20 builds a smaller routed network instead (set
# FLAT16_PLAIN to match), for tools that cannot finish a /16.
# ONLY=WORD times only the tools whose name holds WORD.
#
# The scaling runs (camsweep --probes arp on the /24 and on a /22 of 1,000
# hosts) use SCALE_RATE (default 100): the lab delivers every broadcast to
# each of its 1,000 plain hosts, which two cores keep up with at about 100/s.
set -euo pipefail

cd "$(dirname "$0")/.."
runs=${RUNS:-5}
rate=${RATE:-300}
scaling=${SCALING:-true}
scale_rate=${SCALE_RATE:-100}
flat16=${FLAT16:-false}
flat16_plain=${FLAT16_PLAIN:-190}
routed16=${ROUTED16:-false}
only=${ONLY:-}
routed_net=${ROUTED_NET:-198.19.0.0/16}

if [ "$(id -u)" -ne 0 ]; then
	echo "bench-sweep: needs root to build network namespaces" >&2
	exit 1
fi
missing=()
for t in arp-scan nmap ip; do command -v "$t" >/dev/null || missing+=("$t"); done
if [ ${#missing[@]} -gt 0 ]; then
	pkgs=("${missing[@]/#ip/iproute2}")
	DEBIAN_FRONTEND=noninteractive apt-get install -y "${pkgs[@]}" >/dev/null
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/camsweep-bench-sweep.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/camsweep" ./cmd/camsweep
go build -o "$tmp/benchsweep" ./tools/benchsweep
echo "camsweep $(git describe --always --dirty 2>/dev/null || echo unknown), $(nproc) CPUs, kernel $(uname -r)"
if [ "$routed16" = true ]; then
	"$tmp/benchsweep" -camsweep "$tmp/camsweep" -runs "$runs" -routed16 -routed-net "$routed_net" -flat16-plain "$flat16_plain" -only "$only"
	exit
fi
if [ "$flat16" = true ]; then
	"$tmp/benchsweep" -camsweep "$tmp/camsweep" -runs "$runs" -flat16 -flat16-plain "$flat16_plain" -only "$only"
	exit
fi
"$tmp/benchsweep" -camsweep "$tmp/camsweep" -runs "$runs" -rate "$rate" -scaling="$scaling" -scale-rate "$scale_rate" -only "$only"
