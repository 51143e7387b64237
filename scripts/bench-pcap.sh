#!/usr/bin/env bash
# bench-pcap.sh — how fast camsweep reads a large capture, next to tcpdump,
# p0f and tshark reading the same file.
#
# Builds a mixed office capture with tools/mkcapture in a temporary directory
# (PACKETS packets, default 10,000,000: about 1.3 GB), reads it with each
# tool under /usr/bin/time -v, prints wall time, MB/s, packets/s and peak RSS
# side by side, and removes the file. Run from anywhere inside the repository:
#
#	scripts/bench-pcap.sh            # PACKETS=1000000 scripts/bench-pcap.sh for a quick run
set -euo pipefail

cd "$(dirname "$0")/.."
packets=${PACKETS:-10000000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/camsweep-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
capture=$tmp/large.pcap

# Tools the comparison needs; installed only when missing and we may.
missing=()
for t in tcpdump p0f tshark; do command -v "$t" >/dev/null || missing+=("$t"); done
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -eq 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null
	else
		echo "bench-pcap: missing ${missing[*]} (install them or run as root)" >&2
		exit 1
	fi
fi

echo "building a capture of $packets packets..." >&2
go run ./tools/mkcapture -large -packets "$packets" -o "$capture"
bytes=$(stat -c %s "$capture")

# camsweep: the CLI when its pcap command works (tried on a small sample
# first), else the package benchmark compiled as a driver: the same reader
# and decoders, without the fingerprint engine and the report.
cli_works() {
	go build -o "$tmp/camsweep" ./cmd/camsweep 2>/dev/null || return 1
	local rc=0
	"$tmp/camsweep" pcap -q --format json -o /dev/null testdata/pcap/sadp-hikvision.pcap >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 0 ] || [ "$rc" -eq 2 ]
}
if cli_works; then
	camsweep_name="camsweep pcap"
	camsweep_cmd=("$tmp/camsweep" pcap -q --format json -o "$tmp/report.json" "$capture")
else
	go test -c -o "$tmp/pcap.test" ./scanner/pcap
	camsweep_name="scanner/pcap driver"
	camsweep_cmd=(env CAMSWEEP_BENCH_PCAP="$capture" "$tmp/pcap.test" -test.run '^$' -test.bench '^BenchmarkPipeline$' -test.benchtime 1x)
fi

# measure NAME CMD... runs CMD under /usr/bin/time -v and prints one row.
# Exit codes 0-3 are success here (camsweep exits 2 when it finds restricted
# devices, which this capture has).
measure() {
	local name=$1
	shift
	local rc=0
	/usr/bin/time -v -o "$tmp/time.txt" "$@" >/dev/null 2>"$tmp/stderr.txt" || rc=$?
	if [ "$rc" -gt 3 ]; then
		echo "bench-pcap: $name exited $rc:" >&2
		tail -5 "$tmp/stderr.txt" >&2
	fi
	awk -v name="$name" -v bytes="$bytes" -v packets="$packets" -F': ' '
		/Elapsed \(wall clock\)/ {
			n = split($2, p, ":"); secs = 0
			for (i = 1; i <= n; i++) secs = secs * 60 + p[i]
		}
		/Maximum resident set size/ { rss = $2 / 1024 }
		END {
			if (secs < 0.01) secs = 0.01
			printf "%-22s %9.2f %10.1f %14.0f %12.1f\n", name, secs, bytes / 1e6 / secs, packets / secs, rss
		}' "$tmp/time.txt"
}

awk -v b="$bytes" -v p="$packets" 'BEGIN { printf "capture: %d packets, %.1f MB\n\n", p, b / 1e6 }'
printf "%-22s %9s %10s %14s %12s\n" tool seconds MB/s packets/s "peak RSS MB"
measure "$camsweep_name" "${camsweep_cmd[@]}"
# -Z root: run as root, tcpdump drops to its own user and chowns the -w file
# to it, which turned /dev/null into a tcpdump-owned device on this machine.
measure "tcpdump -w /dev/null" tcpdump -Z root -r "$capture" -w /dev/null
measure "p0f -r" p0f -r "$capture"
measure "tshark -z io,phs" tshark -r "$capture" -q -z io,phs
