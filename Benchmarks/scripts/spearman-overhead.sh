#!/usr/bin/env bash
# The cost of Spearman's correlations (MODEL.md §11) side by side: `capsim sensitivity --runs N`
# (the tornado's 2P + 1 deterministic runs, N Monte Carlo runs, every drawn parameter ranked
# against every default outcome) against `capsim run --runs N` of the same scenario and seed,
# one thread each. Usage: spearman-overhead.sh [SCENARIO] [RUNS] [ROUNDS]
set -euo pipefail
source "$(dirname "$0")/release-capsim.sh"
scenario=${1:-scenarios/mirai-roadmap.yaml}
runs=${2:-10000}
rounds=${3:-7}
Benchmarks/scripts/ratio.sh "$rounds" "sensitivity" "$capsim sensitivity $scenario --runs $runs --seed 1 --threads 1" \
  "run" "$capsim run $scenario --runs $runs --seed 1 --threads 1"
