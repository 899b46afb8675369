#!/usr/bin/env bash
# Installs the local implementations that npm does not ship, once per machine or checkout:
# - moto's server (from PyPI, into .emulators/) stands in for SQS;
# - a Redis-compatible server (valkey-server or redis-server, from Debian) stands in for ElastiCache for Valkey.
# kinesalite and dynalite come with `npm ci`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.emulators/moto"
MOTO_VERSION=5.2.5

install_moto() {
  if [ -x "$VENV/bin/moto_server" ] && [ "$("$VENV/bin/python" -c 'import moto; print(moto.__version__)')" = "$MOTO_VERSION" ]; then
    return
  fi
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
  echo "install-emulators: moto $MOTO_VERSION in $VENV"
}

# test/support/valkey.ts runs whichever of the two is on PATH; Debian's redis-server is the one it can install.
# The developers' machines and CI run as root, so apt-get needs no sudo.
install_valkey() {
  if command -v valkey-server >/dev/null || command -v redis-server >/dev/null; then
    return
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null
  echo "install-emulators: $(redis-server --version) at $(command -v redis-server)"
}

install_moto
install_valkey
