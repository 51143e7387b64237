#!/usr/bin/env bash
# bench-pcap.sh — how fast camsweep reads large captures, next to tcpdump,
# p0f and tshark reading the same files, and what a large inventory costs.
#
# Builds captures with tools/mkcapture in a temporary directory, reads each
# with each tool under /usr/bin/time -v, prints wall time, CPU time, MB/s,
# packets/s and peak RSS side by side (and camsweep's speed as a share of
# tcpdump's), and removes the files:
#
#   office   PACKETS packets (default 10,000,000, about 1.3 GB) of office
#            traffic with a few cameras; camsweep, tcpdump, p0f, tshark
#   camera   CAMERA_PACKETS packets (default 2,000,000, about 1 GB) of a
#            camera network (NVR, cameras, discovery chatter, video);
#            camsweep and tcpdump
#   hosts    for each count in HOSTS (default "10000 50000 100000"), a
#            capture where that many hosts answer one ARP request each;
#            camsweep with --format json, jsonl and csv
#   forms    for each form in FORMS (default "vxlan tzsp wifi"), the camera
#            capture and the largest hosts capture as a remote mirror's
#            collector (VXLAN, TZSP) or a monitor-mode Wi-Fi sniffer
#            (802.11 behind radiotap) holds them; camsweep and tcpdump
#
# CPU time is the fairer figure on a shared machine: wall time there counts
# the waits for a core. Run from anywhere inside the repository:
#
#	scripts/bench-pcap.sh            # PACKETS=1000000 CAMERA_PACKETS=500000 HOSTS=10000 scripts/bench-pcap.sh for a quick run
set -euo pipefail

cd "$(dirname "$0")/.."
packets=${PACKETS:-10000000}
camera_packets=${CAMERA_PACKETS:-2000000}
hosts=${HOSTS:-10000 50000 100000}
forms=${FORMS:-vxlan tzsp wifi}
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
else
	rm -f "$tmp/camsweep"
	go test -c -o "$tmp/pcap.test" ./scanner/pcap
	camsweep_name="scanner/pcap driver"
fi

# camsweep_cmd FORMAT FILE sets cmd to the camsweep command line.
camsweep_cmd() {
	if [ -x "$tmp/camsweep" ]; then
		cmd=("$tmp/camsweep" pcap -q --format "$1" -o "$tmp/report.out" "$2")
	else
		cmd=(env CAMSWEEP_BENCH_PCAP="$2" "$tmp/pcap.test" -test.run '^$' -test.bench '^BenchmarkPipeline$' -test.benchtime 1x)
	fi
}

# measure NAME CMD... runs CMD under /usr/bin/time -v and prints one row;
# the camsweep row also remembers its MB/s for the share of tcpdump's.
# Exit codes 0-3 are success here (camsweep exits 2 when it finds restricted
# devices, which these captures have).
measure() {
	local name=$1
	shift
	local rc=0
	/usr/bin/time -v -o "$tmp/time.txt" "$@" >/dev/null 2>"$tmp/stderr.txt" || rc=$?
	if [ "$rc" -gt 3 ]; then
		echo "bench-pcap: $name exited $rc:" >&2
		tail -5 "$tmp/stderr.txt" >&2
	fi
	awk -v name="$name" -v bytes="$bytes" -v packets="$packets_in" -F': ' '
		/Elapsed \(wall clock\)/ {
			n = split($2, p, ":"); secs = 0
			for (i = 1; i <= n; i++) secs = secs * 60 + p[i]
		}
		/User time/ { cpu += $2 }
		/System time/ { cpu += $2 }
		/Maximum resident set size/ { rss = $2 / 1024 }
		END {
			if (secs < 0.01) secs = 0.01
			if (cpu < 0.01) cpu = 0.01
			printf "%-24s %9.2f %9.2f %10.1f %14.0f %12.1f\n", name, secs, cpu, bytes / 1e6 / secs, packets / secs, rss
			printf "%f %f\n", bytes / 1e6 / secs, bytes / 1e6 / cpu > "/dev/stderr"
		}' "$tmp/time.txt" 2>"$tmp/rate.txt"
}

header() {
	awk -v b="$bytes" -v p="$packets_in" -v what="$1" 'BEGIN { printf "\n%s: %d packets, %.1f MB\n\n", what, p, b / 1e6 }'
	printf "%-24s %9s %9s %10s %14s %12s\n" tool "wall s" "CPU s" MB/s packets/s "peak RSS MB"
}

# speed CAPTURE: camsweep and tcpdump on one capture, and the share.
speed() {
	camsweep_cmd json "$1"
	measure "$camsweep_name" "${cmd[@]}"
	read -r cs_wall cs_cpu <"$tmp/rate.txt"
	# -Z root: run as root, tcpdump drops to its own user and chowns the -w file
	# to it, which turned /dev/null into a tcpdump-owned device on this machine.
	measure "tcpdump -w /dev/null" tcpdump -Z root -r "$1" -w /dev/null
	read -r td_wall td_cpu <"$tmp/rate.txt"
	awk -v a="$cs_wall" -v b="$td_wall" -v c="$cs_cpu" -v d="$td_cpu" \
		'BEGIN { printf "camsweep at %.0f%% of tcpdump by wall time, %.0f%% by CPU time\n", 100 * a / b, 100 * c / d }'
}
echo "building an office capture of $packets packets..." >&2
go run ./tools/mkcapture -large -profile office -packets "$packets" -o "$capture"
bytes=$(stat -c %s "$capture") packets_in=$packets
header "office capture"
speed "$capture"
measure "p0f -r" p0f -r "$capture"
measure "tshark -z io,phs" tshark -r "$capture" -q -z io,phs
rm -f "$capture"

echo "building a camera-network capture of $camera_packets packets..." >&2
go run ./tools/mkcapture -large -profile camera -packets "$camera_packets" -o "$capture"
bytes=$(stat -c %s "$capture") packets_in=$camera_packets
header "camera-network capture"
speed "$capture"
rm -f "$capture"

[ -x "$tmp/camsweep" ] || exit 0 # the inventory needs the CLI's report
largest=0
for n in $hosts; do
	[ "$n" -gt "$largest" ] && largest=$n
	go run ./tools/mkcapture -large -profile hosts -hosts "$n" -o "$capture"
	bytes=$(stat -c %s "$capture") packets_in=$((2 * n))
	header "inventory of $n hosts"
	for format in json jsonl csv; do
		camsweep_cmd "$format" "$capture"
		measure "camsweep --format $format" "${cmd[@]}"
	done
	rm -f "$capture"
done

for form in $forms; do
	go run ./tools/mkcapture -large -profile camera -packets "$camera_packets" -form "$form" -o "$capture"
	bytes=$(stat -c %s "$capture") packets_in=$camera_packets
	header "camera-network capture, form $form"
	speed "$capture"
	rm -f "$capture"
	[ "$largest" -gt 0 ] || continue
	go run ./tools/mkcapture -large -profile hosts -hosts "$largest" -form "$form" -o "$capture"
	bytes=$(stat -c %s "$capture") packets_in=$((2 * largest))
	header "inventory of $largest hosts, form $form"
	camsweep_cmd json "$capture"
	measure "camsweep --format json" "${cmd[@]}"
	rm -f "$capture"
done
