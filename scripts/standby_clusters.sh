#!/usr/bin/env bash
# A PostgreSQL 15 primary (127.0.0.1:5433) and its streaming hot standby (127.0.0.1:5434), made with
# Debian's pg_createcluster and pg_basebackup, for the read-replica tests. Idempotent: existing clusters
# are started, not re-made. `scripts/standby_clusters.sh drop` removes both. Needs root (pg_createcluster).
set -euo pipefail
VER="${PG_VERSION:-$(ls /usr/lib/postgresql | sort -n | tail -n1)}"
PRIMARY=lingong_primary
STANDBY=lingong_standby
PRIMARY_PORT="${STANDBY_PRIMARY_PORT:-5433}"
STANDBY_PORT="${STANDBY_PORT:-5434}"

# One maker at a time (parallel test workers, several checkouts on one machine).
exec 9>/tmp/lingong-standby-clusters.lock
flock 9

exists() { pg_lsclusters -h | awk -v v="$VER" -v n="$1" '$1 == v && $2 == n { found = 1 } END { exit !found }'; }
# The servers must not inherit the lock's descriptor (9>&-): a postmaster holding it would keep every later
# run of this script waiting for good.
start() { pg_ctlcluster --skip-systemctl-redirect "$VER" "$1" start 9>&- 2>/dev/null || pg_ctlcluster --skip-systemctl-redirect "$VER" "$1" status >/dev/null; }
wait_ready() { for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p "$1" && return 0; sleep 0.5; done; echo "port $1 did not come up" >&2; return 1; }

if [ "${1:-}" = "drop" ]; then
  for c in "$STANDBY" "$PRIMARY"; do exists "$c" && pg_dropcluster --stop "$VER" "$c" 9>&-; done
  exit 0
fi

if ! exists "$PRIMARY"; then
  pg_createcluster "$VER" "$PRIMARY" -p "$PRIMARY_PORT" -- --auth=trust --no-sync >/dev/null
  echo "host replication all 127.0.0.1/32 trust" >> "/etc/postgresql/$VER/$PRIMARY/pg_hba.conf"
  cat > "/etc/postgresql/$VER/$PRIMARY/conf.d/lingong.conf" <<CONF
# A throwaway test cluster: small, and no durability (the data is re-made by the tests).
listen_addresses = '127.0.0.1'
shared_buffers = 32MB
max_connections = 80
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = replica
max_wal_senders = 5
CONF
fi
start "$PRIMARY"
wait_ready "$PRIMARY_PORT"

data="/var/lib/postgresql/$VER/$STANDBY"
if exists "$STANDBY" && ! [ -f "$data/standby.signal" ]; then  # a half-made standby: make it again
  pg_dropcluster --stop "$VER" "$STANDBY" 9>&-
fi
if ! exists "$STANDBY"; then
  pg_createcluster "$VER" "$STANDBY" -p "$STANDBY_PORT" -- --auth=trust --no-sync >/dev/null
  cp "/etc/postgresql/$VER/$PRIMARY/conf.d/lingong.conf" "/etc/postgresql/$VER/$STANDBY/conf.d/lingong.conf"
  find "$data" -mindepth 1 -delete
  runuser -u postgres -- pg_basebackup 9>&- -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$data" -R -X stream -c fast
  chmod 700 "$data"
fi
start "$STANDBY"
wait_ready "$STANDBY_PORT"
echo "primary 127.0.0.1:$PRIMARY_PORT, standby 127.0.0.1:$STANDBY_PORT"
