#!/usr/bin/env bash
# The cost of MODEL.md §9 in Monte Carlo, side by side: capsim on a scenario with its compute
# catalog and on the same scenario without it, interleaved, ROUNDS times each; prints each
# pair and the median ratio (with / without). Usage: compute-overhead.sh [SCENARIO] [RUNS] [ROUNDS]
set -euo pipefail
source "$(dirname "$0")/release-capsim.sh"
scenario=${1:-scenarios/mirai-roadmap.yaml}
runs=${2:-10000}
rounds=${3:-7}
without=$(mktemp --suffix=.yaml -p "$(dirname "$scenario")")
trap 'rm -f "$without"' EXIT
# Gates may name compute events; the copy without compute has none.
printf 'extends: %s\ninfrastructure:\n  supabase:\n    compute: null\ngates: []\n' "$(basename "$scenario")" > "$without"
"$capsim" validate "$scenario" "$without" >/dev/null   # both must be valid scenarios
Benchmarks/scripts/ratio.sh "$rounds" "with compute" "$capsim run $scenario --runs $runs --seed 1" \
  "without" "$capsim run $without --runs $runs --seed 1"
