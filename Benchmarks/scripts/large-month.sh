#!/usr/bin/env bash
# A multi-GiB month through SQLite's own insert path, end to end: capsim data of month 60 of the
# default scenario at SCALE (default 0.12: about 11 M rows and 5 GB of pages), with
# PRAGMA integrity_check on the result; prints the rows, the storage, wall time and peak memory.
# Usage: large-month.sh [SCALE] [MEMORY_LIMIT_GB]
set -euo pipefail
source "$(dirname "$0")/release-capsim.sh"
scale=${1:-0.12}
limit=${2:-16}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
/usr/bin/time -v "$capsim" data scenarios/mirai-roadmap.yaml --month 60 --scale "$scale" --memory-limit "$limit" --integrity-check 2> "$log"
grep -E "Elapsed \(wall clock\)|Maximum resident set size" "$log"
