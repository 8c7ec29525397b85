#!/usr/bin/env bash
# Installs and starts what the cross-package tests need: PostgreSQL on 127.0.0.1:5432, Redis on
# 127.0.0.1:6379 (the Redis session store's tests), a Podman
# engine that runs on these machines (runc, explicit ulimits) with a local busybox image,
# Debian's Chromium, and Debian's Apprise CLI (the notification bridge's tests). Idempotent: on a
# prepared machine it checks and returns in about a second.
#
# Nothing is exported: the tests point Podman at .tools/podman/containers.conf themselves.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PODMAN_DIR="$ROOT/.tools/podman"
IMAGE="localhost/busybox:latest"

log() { echo "    $*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    echo "error: need root for: $*" >&2
    return 1
  fi
}

# ---- Debian packages -------------------------------------------------------------------------
missing=()
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need_pkg() { dpkg -s "$1" >/dev/null 2>&1 || missing+=("$1"); }

need_cmd podman podman
need_cmd runc runc
# Only what root with `--network none` needs; podman's other recommends are for rootless use.
need_pkg conmon
need_pkg catatonit
need_pkg containernetworking-plugins
need_pkg busybox-static
need_cmd chromium chromium
need_cmd ip iproute2
need_cmd ps procps
need_cmd git git
need_cmd curl curl
need_cmd tar tar
# The notification channels' Apprise bridge is tested with the real CLI.
need_cmd apprise apprise
# The agent's ping probe runs the system ping (iputils).
need_cmd ping iputils-ping
# LDAP sign-in is tested against a real OpenLDAP that each test starts itself (hub/src/testing/slapd.ts);
# the package's own instance is left alone (never started here).
need_pkg slapd
need_pkg ldap-utils
if ! command -v pg_isready >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  missing+=(postgresql)
fi
need_cmd redis-server redis-server
need_cmd redis-cli redis-tools
# fonts so screenshots show text (chromium pulls a font in, but be explicit)
need_pkg fonts-dejavu-core

if [ "${#missing[@]}" -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >/dev/null
fi

# ---- PostgreSQL ------------------------------------------------------------------------------
pg_ok() { pg_isready -q -h 127.0.0.1 -p 5432; }
if ! pg_ok; then
  version="$(ls /etc/postgresql | sort -V | tail -n1)"
  log "starting PostgreSQL $version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 60); do pg_ok && break; sleep 0.5; done
  pg_ok || {
    echo "error: PostgreSQL does not answer on 127.0.0.1:5432" >&2
    exit 1
  }
fi
# The tests connect as postgres over TCP without a password (trust auth on loopback). A fresh
# Debian install asks for a password there; allow loopback trust once and reload.
if ! psql -h 127.0.0.1 -U postgres -d postgres -w -Atc 'select 1' >/dev/null 2>&1; then
  version="$(ls /etc/postgresql | sort -V | tail -n1)"
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  log "allowing trust auth for postgres on 127.0.0.1 in $hba"
  tmp="$(mktemp)"
  {
    echo "host all postgres 127.0.0.1/32 trust"
    echo "host all postgres ::1/128 trust"
    as_root cat "$hba"
  } >"$tmp"
  as_root cp "$tmp" "$hba"
  rm -f "$tmp"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload
  sleep 1
  psql -h 127.0.0.1 -U postgres -d postgres -w -Atc 'select 1' >/dev/null || {
    echo "error: cannot connect to postgres://postgres@127.0.0.1:5432/postgres" >&2
    exit 1
  }
fi

# ---- Redis -----------------------------------------------------------------------------------
redis_ok() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
if ! redis_ok; then
  log "starting Redis"
  # Loopback only, no persistence: test data is thrown away.
  as_root redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' --appendonly no >/dev/null
  for _ in $(seq 1 40); do redis_ok && break; sleep 0.25; done
  redis_ok || {
    echo "error: Redis does not answer on 127.0.0.1:6379" >&2
    exit 1
  }
fi

# ---- Podman ----------------------------------------------------------------------------------
mkdir -p "$PODMAN_DIR"
conf="$PODMAN_DIR/containers.conf"
want_conf='[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"'
if [ ! -f "$conf" ] || [ "$(cat "$conf")" != "$want_conf" ]; then
  printf '%s\n' "$want_conf" >"$conf"
fi
export CONTAINERS_CONF="$conf"

if ! podman image exists "$IMAGE"; then
  log "building $IMAGE from busybox-static"
  rootfs="$(mktemp -d)"
  trap 'rm -rf "$rootfs"' EXIT
  mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/etc" \
    "$rootfs/var/www"
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in sh ash sleep echo cat yes dd httpd nc ls ps top true false env date wget \
    head tail grep sed awk seq kill mkdir rm touch printf id hostname uptime free; do
    ln -s busybox "$rootfs/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
  echo 'root:x:0:' >"$rootfs/etc/group"
  tar -C "$rootfs" -cf "$rootfs.tar" .
  podman import --quiet --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/bin' "$rootfs.tar" "$IMAGE" >/dev/null
  rm -rf "$rootfs" "$rootfs.tar"
  trap - EXIT
fi

# Containers left by a test run that was killed before its cleanup (test/lib/podman.ts labels
# every container it makes); a leftover busy loop would skew the next run's CPU figures.
leftovers="$(podman ps -aq --filter label=unity-test 2>/dev/null || true)"
if [ -n "$leftovers" ]; then
  log "removing $(echo "$leftovers" | wc -l) container(s) left by an earlier test run"
  # shellcheck disable=SC2086
  podman rm -f -t 0 $leftovers >/dev/null 2>&1 || true
fi

out="$(podman run --rm --network none "$IMAGE" echo ok 2>&1 || true)"
if [ "$out" != "ok" ]; then
  echo "error: podman cannot run $IMAGE: $out" >&2
  exit 1
fi

log "postgres: $(pg_isready -h 127.0.0.1 -p 5432 | sed 's/.* - //'); redis: $(redis-cli -h 127.0.0.1 ping); podman $(podman --version | awk '{print $3}'); $IMAGE runs; chromium: $(command -v chromium); $(apprise --version | head -n1)"
