#!/usr/bin/env bash
# Ensure a throwaway PostgreSQL server for the test suite; print its SQLAlchemy URL as the
# last line of stdout (everything else goes to stderr, so `| tail -1` captures only the URL).
#
#   scripts/test-postgres.sh        start (or reuse) the server and print its URL
#   scripts/test-postgres.sh stop   stop it
#
# A private cluster under .pgtest/ rather than the distro's system cluster: tests must neither
# depend on nor disturb it, and a trust-auth, fsync=off cluster needs no passwords and is fast.
# Trust auth is acceptable because it only listens on 127.0.0.1 and holds nothing but test data.
set -euo pipefail

cd "$(dirname "$0")/.."
exec 3>&1 1>&2 # fd 3 = the real stdout, reserved for the URL

PORT="${STATION_TEST_PG_PORT:-54329}"
URL="postgresql+psycopg://station@127.0.0.1:$PORT/postgres"

log() { printf 'test-postgres: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# psql wants a plain libpq URL; SQLAlchemy's carries a "+driver" suffix.
answers() {
	local url
	url=$(sed -E 's#^([a-z]+)\+[a-z0-9_]+://#\1://#' <<<"$1")
	local psql=${BINDIR:+$BINDIR/psql}
	[ -x "$psql" ] || psql=$(command -v psql) || psql=
	if [ -n "$psql" ]; then
		PGCONNECT_TIMEOUT=5 "$psql" -X -At -d "$url" -c 'select 1' >/dev/null 2>&1
	elif [ -x .venv/bin/python ]; then
		.venv/bin/python -c 'import sys, psycopg; psycopg.connect(sys.argv[1], connect_timeout=5).close()' \
			"$url" >/dev/null 2>&1
	else
		return 1
	fi
}

find_bindir() {
	local initdb
	initdb=$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)
	if [ -x "$initdb" ]; then BINDIR=${initdb%/initdb}; else BINDIR=; fi
}

install_postgres() {
	local sudo=
	local how="install the server yourself (Debian/Ubuntu: 'sudo apt-get install postgresql') or point STATION_TEST_PG_URL at a server where the role may CREATE DATABASE"
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null || die "PostgreSQL server binaries not found and not root: $how"
		sudo=sudo
	fi
	command -v apt-get >/dev/null || die "PostgreSQL server binaries not found and no apt-get: $how"
	log "PostgreSQL server not found; installing it with apt-get (one-time)"
	# `env` because sudo drops DEBIAN_FRONTEND; noninteractive because CI has no stdin.
	$sudo apt-get update
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql </dev/null
	find_bindir
	[ -n "$BINDIR" ] || die "apt-get installed postgresql but /usr/lib/postgresql/*/bin/initdb is missing"
}

# initdb and postgres refuse to run as root, so root runs them as an unprivileged user.
setup_user() {
	RUNAS=
	[ "$(id -u)" -eq 0 ] || return 0
	RUNAS=postgres
	if ! getent passwd postgres >/dev/null; then
		RUNAS=station-pg
		getent passwd "$RUNAS" >/dev/null ||
			useradd --system --no-create-home --home-dir / --shell /usr/sbin/nologin "$RUNAS"
	fi
}
as_pg() {
	(
		# The server inherits our descriptors: keep only 0-2, or the URL pipe (fd 3, so
		# `| tail -1` would wait for the server to exit), the lock (fd 9) or a CI runner's
		# pipes would stay open as long as the server runs.
		for fd in /proc/self/fd/*; do
			fd=${fd##*/}
			[ "$fd" -le 2 ] || eval "exec $fd>&-" 2>/dev/null || true
		done
		cd /
		if [ -n "$RUNAS" ]; then exec runuser -u "$RUNAS" -- "$@"; else exec "$@"; fi
	)
}

# .pgtest in the checkout, unless the server user cannot reach it (e.g. a clone under root's
# 0700 home): then a per-checkout directory in /var/tmp. STATION_TEST_PG_BASE names another
# (the outage test runs a second, private server that it stops and starts).
pick_base() {
	BASE="$PWD/.pgtest"
	if [ -n "${STATION_TEST_PG_BASE:-}" ]; then
		BASE=$STATION_TEST_PG_BASE
	elif [ -n "$RUNAS" ] && ! as_pg test -x "$PWD"; then
		BASE="/var/tmp/station-pgtest-$(printf '%s' "$PWD" | cksum | cut -d' ' -f1)"
	fi
	DATA="$BASE/data"
	LOGFILE="$BASE/log"
	# A unix socket path must fit in 107 bytes; past that use TCP only.
	SOCKDIR="$BASE/run"
	[ ${#SOCKDIR} -le 90 ] || SOCKDIR=
}

# Ours and alive: the pid in postmaster.pid is a postgres process whose cwd is our data dir
# (a bare pid check is fooled by pid reuse after a reboot or container restart).
server_pid() {
	local pid cwd
	pid=$(head -1 "$DATA/postmaster.pid" 2>/dev/null) || return 1
	[ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = postgres ] || return 1
	cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || { echo "$pid"; return 0; } # unreadable: assume ours
	[ "$cwd" = "$(realpath "$DATA")" ] || return 1
	echo "$pid"
}
server_port() { sed -n 4p "$DATA/postmaster.pid"; }

stop_server() {
	local pid
	pid=$(server_pid) || { log "not running ($DATA)"; return 0; }
	log "stopping server (pid $pid)"
	if [ -n "$BINDIR" ]; then
		as_pg "$BINDIR/pg_ctl" -D "$DATA" -m fast -w stop
	else
		kill -INT "$pid" # fast shutdown, when the binaries are gone
		while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
	fi
}

init_cluster() {
	local version=${BINDIR%/bin} locale=C.UTF-8
	version=${version##*/}
	[ "$(cat "$DATA/PG_VERSION" 2>/dev/null)" = "$version" ] && return 0
	# Missing, half-made or from another major version: it is throwaway, so start over.
	log "creating cluster in $DATA (PostgreSQL $version)"
	rm -rf "$DATA"
	locale -a 2>/dev/null | grep -qixE 'c\.utf-?8' || locale=C
	as_pg "$BINDIR/initdb" -D "$DATA" -A trust -U station --encoding=UTF8 --locale="$locale" >/dev/null
	echo "include_if_exists = 'station.conf'" | as_pg tee -a "$DATA/postgresql.conf" >/dev/null
}

# `rm -rf .pgtest` under a running server leaves it holding the port: stop such orphans (only
# their postmaster, the one whose parent is not postgres) with an immediate shutdown, and start
# the new cluster afresh, since the orphan may have written into it by absolute path.
stop_orphans() {
	local proc pid ppid gone
	gone="$(realpath -m "$DATA") (deleted)"
	for proc in /proc/[0-9]*; do
		[ "$(readlink "$proc/cwd" 2>/dev/null)" = "$gone" ] || continue
		pid=${proc#/proc/}
		ppid=$(cut -d' ' -f4 "$proc/stat" 2>/dev/null) || continue
		[ "$(cat "/proc/$ppid/comm" 2>/dev/null)" != postgres ] || continue
		log "stopping pid $pid, a server whose data dir was deleted"
		kill -QUIT "$pid" 2>/dev/null || continue
		while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
		rm -rf "$DATA"
	done
}

# A self-signed certificate for 127.0.0.1/localhost, so the tests can connect with TLS as a
# street's server would be reached (sslmode=verify-full); the tests read it via data_directory.
make_certificate() {
	[ -s "$DATA/server.crt" ] && [ -s "$DATA/server.key" ] && return 0
	command -v openssl >/dev/null || { log "no openssl: the test server runs without TLS"; return 1; }
	as_pg openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=127.0.0.1" \
		-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
		-keyout "$DATA/server.key" -out "$DATA/server.crt" >/dev/null 2>&1 ||
		{ log "openssl could not make a certificate: the test server runs without TLS"; return 1; }
	as_pg chmod 600 "$DATA/server.key"
}

start_server() {
	local rc=0
	rm -f "$DATA/postmaster.pid" # only reached when server_pid found no live server: stale
	[ -z "$SOCKDIR" ] || { as_pg mkdir -p "$SOCKDIR"; rm -f "$SOCKDIR"/.s.PGSQL.*; }
	"$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PORT" || rc=$?
	[ "$rc" -ge 2 ] || die "port $PORT is taken by another PostgreSQL server; set STATION_TEST_PG_PORT"
	# Rewritten every start so STATION_TEST_PG_PORT can change without a new cluster.
	# Durability is pointless for test data; 2 xdist workers plus admin engines need connections.
	as_pg tee "$DATA/station.conf" >/dev/null <<-EOF
		listen_addresses = '127.0.0.1'
		port = $PORT
		unix_socket_directories = '$SOCKDIR'
		fsync = off
		synchronous_commit = off
		full_page_writes = off
		max_connections = 200
		ssl = $(make_certificate && echo on || echo off)
	EOF
	log "starting server on 127.0.0.1:$PORT (log: $LOGFILE)"
	as_pg "$BINDIR/pg_ctl" -D "$DATA" -l "$LOGFILE" -w -t 60 start >/dev/null ||
		{ tail -n 20 "$LOGFILE" >&2 || true; die "server did not start; see $LOGFILE"; }
}

wait_ready() {
	local _
	for _ in $(seq 1 60); do
		"$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PORT" && answers "$URL" && return 0
		sleep 0.5
	done
	tail -n 20 "$LOGFILE" >&2 || true
	die "server on port $PORT does not accept connections; see $LOGFILE"
}

main() {
	local cmd=${1:-start}
	case "$cmd" in start | stop) ;; *) die "usage: $0 [start|stop]" ;; esac
	find_bindir

	if [ "$cmd" = start ] && [ -n "${STATION_TEST_PG_URL:-}" ]; then
		if answers "$STATION_TEST_PG_URL"; then echo "$STATION_TEST_PG_URL" >&3; return 0; fi
		# Someone else's server being down is their problem; our own we can (re)start below.
		[ "$STATION_TEST_PG_URL" = "$URL" ] || die "STATION_TEST_PG_URL is set but does not answer: $STATION_TEST_PG_URL"
	fi

	if [ "$cmd" = stop ]; then setup_user; pick_base; stop_server; return 0; fi
	# Install before choosing the user: the package creates the `postgres` user.
	[ -n "$BINDIR" ] || install_postgres
	setup_user
	pick_base

	mkdir -p "$BASE"
	if [ -n "$RUNAS" ]; then
		[ "$(stat -c %U "$BASE")" = "$RUNAS" ] || chown -R "$RUNAS:" "$BASE"
	else
		[ -w "$BASE" ] && { [ ! -e "$DATA" ] || [ -O "$DATA" ]; } ||
			die "$BASE belongs to another user (made by a root run?); remove it: sudo rm -rf '$BASE'"
	fi
	# Concurrent `make test` runs in one checkout must not race initdb/start.
	exec 9>>"$BASE/lock"
	command -v flock >/dev/null && flock 9

	if server_pid >/dev/null && [ "$(server_port)" != "$PORT" ]; then
		log "running on another port; restarting"
		stop_server
	fi
	if server_pid >/dev/null; then
		log "reusing server on 127.0.0.1:$PORT"
	else
		stop_orphans
		init_cluster
		start_server
	fi
	wait_ready
	echo "$URL" >&3
}

main "$@"
