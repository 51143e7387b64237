#!/bin/sh
# Start a throw-away PostgreSQL server on loopback for the store tests.
#
#   eval "$(scripts/ci-postgres.sh)"        # start; exports CAMSWEEP_TEST_POSTGRES
#   go test ./store/...                     # runs the PostgreSQL suite
#   scripts/ci-postgres.sh stop             # stop it and remove its data
#
# Needs root (installs Debian's postgresql package if missing and runs the
# server as the postgres user). Only 127.0.0.1 is listened on; auth is "trust"
# because the cluster holds nothing but test data and lives for one CI run.
# Everything the script says goes to stderr; stdout is only the export line.
set -eu

PORT="${CAMSWEEP_PG_PORT:-55432}"
DATA="${CAMSWEEP_PG_DATA:-/tmp/camsweep-ci-pg}"
DB=camsweep_test

bindir() {
	ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

if [ "${1:-start}" = stop ]; then
	BIN="$(bindir)"
	[ -n "$BIN" ] && [ -d "$DATA" ] && su postgres -s /bin/sh -c "'$BIN/pg_ctl' -D '$DATA' -m fast stop" >&2 || true
	rm -rf "$DATA"
	exit 0
fi

if [ -z "$(bindir)" ]; then
	echo "ci-postgres: installing postgresql" >&2
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y postgresql >&2
fi
BIN="$(bindir)"

if [ ! -f "$DATA/PG_VERSION" ]; then
	rm -rf "$DATA"
	mkdir -p "$DATA"
	chown postgres:postgres "$DATA"
	su postgres -s /bin/sh -c "'$BIN/initdb' -D '$DATA' --auth=trust --username=postgres -E UTF8" >&2
fi
if ! su postgres -s /bin/sh -c "'$BIN/pg_ctl' -D '$DATA' status" >/dev/null 2>&1; then
	su postgres -s /bin/sh -c "'$BIN/pg_ctl' -D '$DATA' -l '$DATA/server.log' -w \
		-o \"-c listen_addresses=127.0.0.1 -p $PORT -k '$DATA' -c fsync=off\" start" >&2
fi
"$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1 ||
	"$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB" >&2

echo "export CAMSWEEP_TEST_POSTGRES='postgres://postgres@127.0.0.1:$PORT/$DB?sslmode=disable'"
