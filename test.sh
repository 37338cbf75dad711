#!/usr/bin/env bash
# Builds clip4j and runs the whole test suite (unit, parity against the reference fixtures, CLI).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/scripts/find-jdk.sh"
cd "$here"
exec mvn -B -q verify "$@"
