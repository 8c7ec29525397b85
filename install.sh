#!/usr/bin/env bash
# Installs the Unity agent on a Linux host as a systemd service, from the hub's own URL only:
#
#   curl -fsSL https://HUB/install.sh | sudo bash -s -- --hub https://HUB --token TOKEN [--name NAME] [--read-only]
#   curl -fsSL https://HUB/install.sh | sudo bash -s -- --uninstall [--purge]
#
# What it does: downloads HUB/download/unity-agent.mjs into /opt/unity-agent; uses the host's
# node when it is >= 22.12, else HUB/download/node (the hub's own Node binary, refused when its
# X-Node-Arch does not match this machine); creates the `unity-agent` system user (in the docker
# group when there is one); writes /etc/unity-agent/agent.env (0600) and a hardened
# unity-agent.service; enables and starts it. Running it again upgrades in place and keeps the
# agent's identity in /var/lib/unity-agent.
#
# For tests: UNITY_INSTALL_ROOT=/some/dir prefixes every path written (and skips creating the
# user); UNITY_INSTALL_NO_SYSTEMD=1 skips systemctl and the systemd and root checks.
set -euo pipefail

ROOT="${UNITY_INSTALL_ROOT:-}"
NO_SYSTEMD="${UNITY_INSTALL_NO_SYSTEMD:-0}"
INSTALL_DIR="/opt/unity-agent"
CONFIG_DIR="/etc/unity-agent"
STATE_DIR="/var/lib/unity-agent"
UNIT_FILE="/etc/systemd/system/unity-agent.service"
SERVICE_USER="unity-agent"

HUB="${UNITY_HUB_URL:-}"
TOKEN="${UNITY_ENROLL_TOKEN:-}"
NAME=""
READ_ONLY=0
UNINSTALL=0
PURGE=0

say() { printf '==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

usage() {
  cat <<'EOF'
Usage: install.sh --hub URL --token TOKEN [--name NAME] [--read-only]
       install.sh --uninstall [--purge]

  --hub URL        the hub's base URL (also UNITY_HUB_URL)
  --token TOKEN    enrollment token from the hub's "Add host" page (also UNITY_ENROLL_TOKEN)
  --name NAME      host name to report instead of this machine's hostname
  --read-only      never act on containers, only watch them
  --uninstall      stop and remove the agent (keeps its identity unless --purge)
  --purge          with --uninstall: also remove /var/lib/unity-agent and the unity-agent user
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
  --hub) HUB="${2:?--hub needs a URL}"; shift 2 ;;
  --hub=*) HUB="${1#*=}"; shift ;;
  --token) TOKEN="${2:?--token needs a value}"; shift 2 ;;
  --token=*) TOKEN="${1#*=}"; shift ;;
  --name) NAME="${2:?--name needs a value}"; shift 2 ;;
  --name=*) NAME="${1#*=}"; shift ;;
  --read-only) READ_ONLY=1; shift ;;
  --uninstall) UNINSTALL=1; shift ;;
  --purge) PURGE=1; shift ;;
  -h | --help) usage; exit 0 ;;
  *) usage >&2; die "unknown option: $1" ;;
  esac
done

# ---- checks ----

[ "$(uname -s)" = "Linux" ] || die "the Unity agent runs on Linux only"
if [ "$NO_SYSTEMD" != "1" ]; then
  [ "$(id -u)" -eq 0 ] || die "run as root (pipe into 'sudo bash -s -- ...')"
  [ -d /run/systemd/system ] || die "systemd is not running on this host; see the README for running the agent as a container"
  command -v systemctl >/dev/null 2>&1 || die "systemctl not found"
fi

systemctl_() {
  if [ "$NO_SYSTEMD" = "1" ]; then
    say "(skipped) systemctl $*"
  else
    systemctl "$@"
  fi
}

# ---- uninstall ----

if [ "$UNINSTALL" = "1" ]; then
  say "Removing the Unity agent"
  if [ "$NO_SYSTEMD" = "1" ] || systemctl list-unit-files unity-agent.service >/dev/null 2>&1; then
    systemctl_ disable --now unity-agent.service || true
  fi
  rm -f "$ROOT$UNIT_FILE"
  systemctl_ daemon-reload || true
  rm -rf "$ROOT$INSTALL_DIR" "$ROOT$CONFIG_DIR"
  if [ "$PURGE" = "1" ]; then
    rm -rf "$ROOT$STATE_DIR"
    if [ -z "$ROOT" ] && id "$SERVICE_USER" >/dev/null 2>&1; then userdel "$SERVICE_USER" || true; fi
    say "Removed the agent, its identity and its user"
  else
    say "Removed the agent; its identity stays in $STATE_DIR (use --purge to remove it)"
  fi
  exit 0
fi

# ---- install ----

[ -n "$HUB" ] || { usage >&2; die "--hub is required"; }
HUB="${HUB%/}"
HUB_RE='^https?://[]A-Za-z0-9._~%:@/[-]+$'
[[ "$HUB" =~ $HUB_RE ]] || die "--hub must be an http:// or https:// URL"
case "$HUB" in
http://127.* | http://localhost* | http://\[::1\]*) ;;
http://*) warn "the hub URL is not https: the download and the enrollment token travel unencrypted" ;;
esac
if [ -z "$TOKEN" ] && [ ! -f "$ROOT$STATE_DIR/identity.json" ]; then
  usage >&2
  die "--token is required for a first install"
fi
[[ "$TOKEN" =~ ^[A-Za-z0-9._~+/=-]*$ ]] || die "--token contains characters a token never has"
[[ "$NAME" =~ ^[A-Za-z0-9._-]{0,255}$ ]] || die "--name may hold letters, digits, '.', '_' and '-' only"

command -v curl >/dev/null 2>&1 || die "curl is needed"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# Downloads $1 (a path on the hub) to $2; the response headers go to $2.headers.
download() {
  curl -fsSL --retry 3 --connect-timeout 10 -D "$2.headers" -o "$2" "$HUB$1" ||
    die "cannot download $HUB$1"
}

# Node's names for this machine's CPU (process.arch), from uname -m.
node_arch() {
  case "$1" in
  x86_64 | amd64 | x64) echo x64 ;;
  aarch64 | arm64) echo arm64 ;;
  armv7l | armv7 | armhf | arm) echo arm ;;
  ppc64le) echo ppc64 ;;
  s390x) echo s390x ;;
  riscv64) echo riscv64 ;;
  *) echo "$1" ;;
  esac
}

node_ok() {
  "$1" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)' \
    >/dev/null 2>&1
}

say "Downloading the agent from $HUB"
download /download/unity-agent.mjs "$TMP/unity-agent.mjs"
head -c 64 "$TMP/unity-agent.mjs" | grep -q node || die "$HUB/download/unity-agent.mjs is not the agent bundle"

mkdir -p "$ROOT$INSTALL_DIR"
NODE=""     # the path the service runs
NODE_RUN="" # the same binary, reachable now (under UNITY_INSTALL_ROOT when set)
if command -v node >/dev/null 2>&1 && node_ok "$(command -v node)"; then
  NODE="$(readlink -f "$(command -v node)")"
  NODE_RUN="$NODE"
  rm -f "$ROOT$INSTALL_DIR/node"
  say "Using this host's Node.js $("$NODE" --version) ($NODE)"
else
  MACHINE="$(node_arch "$(uname -m)")"
  say "Node.js >= 22.12 not found; downloading the hub's Node.js"
  download /download/node "$TMP/node"
  HUB_ARCH="$(tr -d '\r' <"$TMP/node.headers" | awk -F': *' 'tolower($1)=="x-node-arch" {print $2}' | tail -n 1)"
  [ -n "$HUB_ARCH" ] || die "the hub did not say which CPU its Node.js is for (X-Node-Arch)"
  [ "$(node_arch "$HUB_ARCH")" = "$MACHINE" ] ||
    die "the hub serves Node.js for $HUB_ARCH, this machine is $(uname -m); install Node.js >= 22.12 here and run again"
  install -m 0755 "$TMP/node" "$ROOT$INSTALL_DIR/node"
  NODE="$INSTALL_DIR/node"
  NODE_RUN="$ROOT$NODE"
  node_ok "$NODE_RUN" || die "the downloaded Node.js does not run here"
fi
install -m 0644 "$TMP/unity-agent.mjs" "$ROOT$INSTALL_DIR/unity-agent.mjs"
"$NODE_RUN" "$ROOT$INSTALL_DIR/unity-agent.mjs" --version >/dev/null || die "the agent does not start with $NODE"

# ---- user ----

GROUPS_LINE=""
if [ -n "$ROOT" ]; then
  say "(skipped) creating the $SERVICE_USER user under UNITY_INSTALL_ROOT"
elif ! id "$SERVICE_USER" >/dev/null 2>&1; then
  say "Creating the $SERVICE_USER system user"
  useradd --system --home-dir "$STATE_DIR" --no-create-home --shell /usr/sbin/nologin "$SERVICE_USER"
fi
if getent group docker >/dev/null 2>&1; then
  [ -n "$ROOT" ] || usermod -aG docker "$SERVICE_USER"
  GROUPS_LINE="SupplementaryGroups=docker"
elif [ -S /run/podman/podman.sock ]; then
  warn "/run/podman/podman.sock is root-only; give the $SERVICE_USER user access to it to see Podman containers"
fi

# ---- configuration ----

say "Writing $CONFIG_DIR/agent.env"
mkdir -p "$ROOT$CONFIG_DIR"
chmod 0755 "$ROOT$CONFIG_DIR"
(
  umask 077
  {
    echo "# Unity agent settings; see 'unity-agent --help'. Written by install.sh."
    echo "UNITY_HUB_URL=$HUB"
    [ -z "$TOKEN" ] || echo "UNITY_ENROLL_TOKEN=$TOKEN"
    echo "UNITY_STATE_DIR=$STATE_DIR"
    [ -z "$NAME" ] || echo "UNITY_AGENT_NAME=$NAME"
    [ "$READ_ONLY" = "0" ] || echo "UNITY_READ_ONLY=1"
    echo "LOG_LEVEL=info"
  } >"$ROOT$CONFIG_DIR/agent.env.new"
)
mv -f "$ROOT$CONFIG_DIR/agent.env.new" "$ROOT$CONFIG_DIR/agent.env"
chmod 0600 "$ROOT$CONFIG_DIR/agent.env"
mkdir -p "$ROOT$STATE_DIR"
chmod 0700 "$ROOT$STATE_DIR"

say "Writing $UNIT_FILE"
mkdir -p "$ROOT$(dirname "$UNIT_FILE")"
cat >"$ROOT$UNIT_FILE" <<EOF
# Written by the Unity install.sh; run it again to upgrade, with --uninstall to remove.
[Unit]
Description=Unity monitoring agent
Documentation=$HUB
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=$SERVICE_USER
Group=$SERVICE_USER
$GROUPS_LINE
EnvironmentFile=$CONFIG_DIR/agent.env
# A 1 MiB young generation: the agent allocates little, and V8's default costs ~10 MiB of RSS.
# --max-opt=0 keeps V8 to its interpreter: neither Maglev nor TurboFan is paged in or run (~10
# MiB less RSS with 100 containers at 10 s, 86 -> 73-78 MiB in test/bench), nor the baseline
# compiler's code (1.2 MiB less than --max-opt=1 side by side, 56.8 against 58.0, for 52 against
# 50 µs per container sample); log follows still pass 20,000 lines/s and 1,000 HTTP probes take
# 2.4 % of a core (docs/architecture.md).
# --optimize-for-size: V8 collects the old generation when it has grown by ~2 MB, not when it
# reaches a limit sized from the host's memory: ~1 MiB less RSS in same-stack runs, and no creep
# over the first minutes (60.5 -> 62.0 MiB over ten minutes without it in one run, flat with it;
# docs/architecture.md, sixth round).
# --single-threaded-gc: a scavenge of a 1 MiB young generation is shorter than waking V8's
# helper threads to share it; on the main thread alone, about 2 µs less CPU per container
# sample (52.0 against 54.0 side by side on Node 24), no more RSS, probes and log follows no
# slower (docs/architecture.md, seventh round).
ExecStart=$NODE --max-semi-space-size=1 --max-opt=0 --optimize-for-size --single-threaded-gc $INSTALL_DIR/unity-agent.mjs
# One glibc malloc arena instead of one per thread that allocates: ~1 MiB less RSS, and the
# agent's threads (libuv's pool, V8's helpers) rarely allocate at once. Blocks of 32 KiB and up
# (V8's compiler zones, socket read buffers) mapped on their own and returned when freed,
# instead of leaving holes in the heap that glibc cannot give back: ~1 MiB less RSS.
Environment=MALLOC_ARENA_MAX=1
Environment=MALLOC_MMAP_THRESHOLD_=32768
# Two libuv threads instead of four: the agent's file writes, DNS lookups and WebCrypto calls are
# few, and each idle thread held ~0.4 MiB (55.9 against 56.7 MiB side by side); two, so that one
# slow DNS answer does not hold up the outbox's writes (docs/architecture.md, seventh round).
Environment=UV_THREADPOOL_SIZE=2
Restart=always
RestartSec=5
# 2: bad configuration, 3: enrollment token refused; restarting cannot fix either.
RestartPreventExitStatus=2 3
StateDirectory=unity-agent
StateDirectoryMode=0700
UMask=0077
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=read-only
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictSUIDSGID=yes
RestrictRealtime=yes
RestrictNamespaces=yes
LockPersonality=yes
SystemCallArchitectures=native
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
CapabilityBoundingSet=
AmbientCapabilities=

[Install]
WantedBy=multi-user.target
EOF
chmod 0644 "$ROOT$UNIT_FILE"

systemctl_ daemon-reload
systemctl_ enable unity-agent.service
systemctl_ restart unity-agent.service

if [ "$NO_SYSTEMD" = "1" ]; then
  say "Installed under '${ROOT:-/}' without systemd; run it in the foreground with:"
  echo "    (set -a; . $ROOT$CONFIG_DIR/agent.env; UNITY_STATE_DIR=$ROOT$STATE_DIR exec $NODE_RUN $ROOT$INSTALL_DIR/unity-agent.mjs)"
else
  sleep 2
  if systemctl is-active --quiet unity-agent.service; then
    say "The Unity agent is running; it appears in the hub at $HUB within a few seconds"
  else
    warn "the service did not stay up; see: journalctl -u unity-agent.service -n 50"
    exit 1
  fi
fi
