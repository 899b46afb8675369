#!/usr/bin/env bash
# Installs the local AWS implementations that npm does not ship into .emulators/, once per checkout:
# moto's server (from PyPI) stands in for SQS. kinesalite and dynalite come with `npm ci`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.emulators/moto"
MOTO_VERSION=5.2.5

if [ -x "$VENV/bin/moto_server" ] && [ "$("$VENV/bin/python" -c 'import moto; print(moto.__version__)')" = "$MOTO_VERSION" ]; then
  exit 0
fi
rm -rf "$VENV"
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
echo "install-emulators: moto $MOTO_VERSION in $VENV"
