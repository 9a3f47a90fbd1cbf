#!/usr/bin/env bash
# Proves the README's quick start on a fresh Debian 12: builds a minimal
# Debian 12 root with debootstrap, clones this repository into it and runs the
# quick-start commands there (chroot, clean environment), reporting each one's
# exit code and wall time.
#
# Usage (as root; needs debootstrap and git):
#   scripts/check-fresh-machine.sh [options]
#
# Options:
#   --root DIR            build the root in DIR (default: a new
#                         /var/tmp/tessera-fresh-XXXXXX); must be empty or absent
#   --reuse               DIR (--root) already holds a root from an earlier
#                         --keep run: skip debootstrap (not a fresh machine any
#                         more; for testing this script)
#   --keep                keep the root after success (a failure always keeps it)
#   --mirror URL          Debian mirror (default http://deb.debian.org/debian)
#   --security-mirror URL (default http://deb.debian.org/debian-security)
#   --commit REV          check out REV instead of the working tree's HEAD
#   --allow-dirty         go on although the working tree has changes that the
#                         clone will not have
#   --command CMD         run CMD (bash, in the clone) instead of the quick
#                         start; repeatable, in order
#   --log-dir DIR         where each command's log goes (default: ROOT.logs)
#   -h, --help            this text
#
# By default it runs the README's two quick-start commands, one after the
# other: ./scripts/demo.sh, then ./scripts/test.sh (about half an hour on two
# cores). To check this script's own mechanics cheaply:
#   scripts/check-fresh-machine.sh --command 'cat /etc/debian_version' \
#     --command 'apt-get update && apt-get install -y --no-install-recommends ca-certificates nodejs npm && npm view esbuild version'
#
# Exit code: 0 when every command succeeded, 1 when one failed, 2 on a usage
# or set-up error.
#
# Package registries may sit behind a certificate authority of their own,
# named by variables such as NODE_EXTRA_CA_CERTS or SSL_CERT_FILE: each such
# variable set here is carried into the root (the file or directory copied to
# /root/host-ca/) and into the commands' environment, as are the proxy
# variables. Nothing else of this machine's environment is. sudo drops them
# by default: run it as `sudo -E scripts/check-fresh-machine.sh`.
set -euo pipefail

usage() { sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"; }
die() { echo "check-fresh-machine: $*" >&2; exit 2; }

ROOT=""
REUSE=0
KEEP=0
MIRROR="http://deb.debian.org/debian"
SECURITY_MIRROR="http://deb.debian.org/debian-security"
COMMIT=""
ALLOW_DIRTY=0
LOG_DIR=""
COMMANDS=()

while (($#)); do
  case "$1" in
    --root) ROOT="${2:?--root needs a directory}"; shift ;;
    --root=*) ROOT="${1#*=}" ;;
    --reuse) REUSE=1 ;;
    --keep) KEEP=1 ;;
    --mirror) MIRROR="${2:?--mirror needs a URL}"; shift ;;
    --mirror=*) MIRROR="${1#*=}" ;;
    --security-mirror) SECURITY_MIRROR="${2:?--security-mirror needs a URL}"; shift ;;
    --security-mirror=*) SECURITY_MIRROR="${1#*=}" ;;
    --commit) COMMIT="${2:?--commit needs a revision}"; shift ;;
    --commit=*) COMMIT="${1#*=}" ;;
    --allow-dirty) ALLOW_DIRTY=1 ;;
    --command) COMMANDS+=("${2:?--command needs a command}"); shift ;;
    --command=*) COMMANDS+=("${1#*=}") ;;
    --log-dir) LOG_DIR="${2:?--log-dir needs a directory}"; shift ;;
    --log-dir=*) LOG_DIR="${1#*=}" ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done
((${#COMMANDS[@]})) || COMMANDS=("./scripts/demo.sh" "./scripts/test.sh")

[ "$(id -u)" -eq 0 ] ||
  die "must run as root (debootstrap, mount and chroot need it): sudo $0 ..."
command -v debootstrap >/dev/null ||
  die "debootstrap is missing: apt-get install debootstrap"
command -v git >/dev/null || die "git is missing: apt-get install git"

# --- Which commit: the working tree's HEAD unless --commit -------------------
SRC="$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)"
if [ -n "$COMMIT" ]; then
  SHA="$(git -C "$SRC" rev-parse --verify "$COMMIT^{commit}")" ||
    die "--commit $COMMIT: no such commit"
else
  SHA="$(git -C "$SRC" rev-parse --verify HEAD)"
  # The clone gets committed files only: checking a tree with changes would
  # prove something else than what it claims.
  if [ -n "$(git -C "$SRC" status --porcelain)" ]; then
    echo "!!! The working tree $SRC has uncommitted changes;" >&2
    echo "!!! the fresh machine gets commit ${SHA:0:12} without them:" >&2
    git -C "$SRC" status --short >&2
    ((ALLOW_DIRTY)) || die "commit them, or pass --allow-dirty or --commit REV"
  fi
fi

# --- The root directory -------------------------------------------------------
CREATED_ROOT=0
if [ -z "$ROOT" ]; then
  ((!REUSE)) || die "--reuse needs --root DIR"
  ROOT="$(mktemp -d /var/tmp/tessera-fresh-XXXXXX)"
  chmod 0755 "$ROOT"  # mktemp's 0700 would keep apt's _apt user out of /
  CREATED_ROOT=1
elif ((REUSE)); then
  [ -f "$ROOT/etc/debian_version" ] || die "--reuse: $ROOT holds no Debian root"
elif [ -e "$ROOT" ]; then
  if [ ! -d "$ROOT" ] || [ -n "$(ls -A "$ROOT")" ]; then
    die "--root $ROOT exists and is not an empty directory"
  fi
else
  mkdir -p "$ROOT"
  CREATED_ROOT=1
fi
ROOT="$(realpath "$ROOT")"
[ "$ROOT" != / ] || die "--root / is this machine"
LOG_DIR="${LOG_DIR:-$ROOT.logs}"
mkdir -p "$LOG_DIR"
LOG_DIR="$(realpath "$LOG_DIR")"

MOUNTS=()  # mounted by us, unmounted in reverse order on exit
mount_in_root() {  # TYPE TARGET [OPTIONS]
  mkdir -p "$ROOT/$2"
  mount -t "$1" ${3:+-o "$3"} "$1" "$ROOT/$2"
  MOUNTS+=("$ROOT/$2")
}

# shellcheck disable=SC2317  # (called by the trap)
cleanup() {
  local status=$? proc i
  trap - EXIT INT TERM
  # Processes the commands left behind inside the root (an Xvfb, a
  # gpg-agent) would keep its mounts busy.
  for proc in /proc/[0-9]*; do
    if [ "$(readlink "$proc/root" 2>/dev/null)" = "$ROOT" ]; then
      kill -KILL "${proc#/proc/}" 2>/dev/null || true
    fi
  done
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
    umount "${MOUNTS[i]}" 2>/dev/null || umount -l "${MOUNTS[i]}" || true
  done
  if ((status == 0 && !KEEP && CREATED_ROOT)); then
    if findmnt -rn -o TARGET | grep -q "^$ROOT/"; then
      echo "check-fresh-machine: something is still mounted below $ROOT; not removing it" >&2
    else
      rm -rf --one-file-system "$ROOT"
      echo "Removed $ROOT (logs stay in $LOG_DIR)."
    fi
  else
    echo "The root stays in $ROOT (chroot $ROOT bash to look around; rm -rf it when done)."
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'echo; echo "check-fresh-machine: interrupted" >&2; exit 130' INT
trap 'exit 143' TERM

elapsed() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# --- Debian 12, minimal -------------------------------------------------------
if ((!REUSE)); then
  echo "== debootstrap --variant=minbase bookworm $ROOT $MIRROR (log: $LOG_DIR/debootstrap.log)"
  start=$SECONDS
  if ! debootstrap --variant=minbase bookworm "$ROOT" "$MIRROR" >"$LOG_DIR/debootstrap.log" 2>&1; then
    tail -n 30 "$LOG_DIR/debootstrap.log" >&2
    die "debootstrap failed (log: $LOG_DIR/debootstrap.log)"
  fi
  echo "   done in $(elapsed $((SECONDS - start)))"
fi
# What a Debian 12 installation has and debootstrap leaves out.
cat >"$ROOT/etc/apt/sources.list" <<EOF
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb $SECURITY_MIRROR bookworm-security main
EOF
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"
[ -s "$ROOT/etc/hosts" ] || printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$ROOT/etc/hosts"

# apt, dpkg and the tests need /proc; npm and script(1)-like tools need
# pseudo-terminals (devpts); POSIX shared memory and semaphores need /dev/shm.
mount_in_root proc proc
mount_in_root devpts dev/pts newinstance,ptmxmode=0666
mount_in_root tmpfs dev/shm mode=1777

# --- The repository -----------------------------------------------------------
rm -rf "$ROOT/root/tessera"
echo "== git clone $SRC -> $ROOT/root/tessera at ${SHA:0:12}"
git clone -q --no-checkout "$SRC" "$ROOT/root/tessera"
git -C "$ROOT/root/tessera" -c advice.detachedHead=false checkout -q "$SHA" 2>/dev/null ||
  die "commit $SHA is on no branch or tag of $SRC, so the clone does not have it"

# --- The clean environment ------------------------------------------------------
ENVIRONMENT=(HOME=/root TERM=dumb
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
mkdir -p "$ROOT/root/host-ca"
for name in NODE_EXTRA_CA_CERTS npm_config_cafile NPM_CONFIG_CAFILE SSL_CERT_FILE \
  SSL_CERT_DIR REQUESTS_CA_BUNDLE CURL_CA_BUNDLE PIP_CERT GIT_SSL_CAINFO; do
  path="${!name:-}"
  [ -n "$path" ] || continue
  if [ -f "$path" ]; then
    cp -L "$path" "$ROOT/root/host-ca/$name.crt"
    ENVIRONMENT+=("$name=/root/host-ca/$name.crt")
  elif [ -d "$path" ]; then
    rm -rf "$ROOT/root/host-ca/$name"
    cp -rL "$path" "$ROOT/root/host-ca/$name" 2>/dev/null || true
    ENVIRONMENT+=("$name=/root/host-ca/$name")
  else
    echo "check-fresh-machine: $name=$path names nothing; not carried" >&2
    continue
  fi
  echo "   carrying $name ($path -> /root/host-ca/)"
done
for name in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
  [ -z "${!name:-}" ] || ENVIRONMENT+=("$name=${!name}")
done

# --- The commands -------------------------------------------------------------
NAMES=() CODES=() TIMES=() LOGS=()
for i in "${!COMMANDS[@]}"; do
  command="${COMMANDS[i]}"
  slug="$(printf '%s' "$command" | tr -c 'A-Za-z0-9._-' '_' | sed 's/^[._]*//' | cut -c1-40)"
  log="$LOG_DIR/$((i + 1))-${slug:-command}.log"
  echo "== $command   (log: $log)"
  start=$SECONDS
  set +e
  # shellcheck disable=SC2016  # ($1 expands inside the root's bash)
  chroot "$ROOT" /usr/bin/env -i "${ENVIRONMENT[@]}" \
    /bin/bash -c 'cd /root/tessera && eval "$1"' bash "$command" </dev/null >"$log" 2>&1
  code=$?
  set -e
  took=$((SECONDS - start))
  echo "   exit $code after $(elapsed $took)"
  if ((code != 0)); then
    echo "   --- last lines of $log:"
    tail -n 40 "$log" | sed 's/^/   | /'
  fi
  NAMES+=("$command") CODES+=("$code") TIMES+=("$took") LOGS+=("$log")
done

echo
echo "== Summary: commit ${SHA:0:12} on a fresh Debian $(cat "$ROOT/etc/debian_version") root ($(nproc) cores)"
failed=0
for i in "${!NAMES[@]}"; do
  if ((CODES[i] == 0)); then verdict=ok; else verdict="FAILED (exit ${CODES[i]})"; failed=1; fi
  printf '   %-9s %-14s %s\n      log: %s\n' "$(elapsed "${TIMES[i]}")" "$verdict" "${NAMES[i]}" "${LOGS[i]}"
done
exit "$failed"
