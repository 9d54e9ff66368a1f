#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs (see README).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
exec ./sharpdistill demo "$@"
