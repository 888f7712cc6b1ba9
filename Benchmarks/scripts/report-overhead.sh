#!/usr/bin/env bash
# The cost of `capsim report` side by side with `capsim run` of the same runs (issue 23's bound:
# at most 1.5×): the report adds the projection at the means, the headline tornado (2P + 1
# deterministic runs), percentiles for its fans and the SVG and HTML. One thread each.
# Usage: report-overhead.sh [SCENARIO] [RUNS] [ROUNDS]
set -euo pipefail
source "$(dirname "$0")/release-capsim.sh"
scenario=${1:-scenarios/mirai-roadmap.yaml}
runs=${2:-2000}
rounds=${3:-7}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
Benchmarks/scripts/ratio.sh "$rounds" "report" "$capsim report $scenario --runs $runs --seed 1 --threads 1 --output $out/r.html 2>/dev/null" \
  "run" "$capsim run $scenario --runs $runs --seed 1 --threads 1"
