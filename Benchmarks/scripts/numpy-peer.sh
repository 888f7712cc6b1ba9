#!/usr/bin/env bash
# capsim's Monte Carlo against its NumPy-vectorised peer (Benchmarks/peer/montecarlo.py, an
# independent implementation of MODEL.md §1–§8 and §10 with every run one element of an array),
# side by side on one machine, interleaved ROUNDS times. First it shows that the peer computes
# the same model: its deterministic projection against capsim's, column by column, and both Monte
# Carlo medians at the horizon. Then three ratios (peer / capsim; above 1 means capsim is faster):
# against capsim on the same model (the scenario without its compute catalog), against capsim
# with §9 (the full default scenario), and the same on one thread (the peer uses one core).
# Whole processes: start-up, YAML and output included.
# Usage: numpy-peer.sh [SCENARIO] [RUNS] [ROUNDS]   (SCENARIO: one file, no extends)
set -euo pipefail
source "$(dirname "$0")/release-capsim.sh"
scenario=${1:-scenarios/mirai-roadmap.yaml}
runs=${2:-10000}
rounds=${3:-7}
peer="python3 Benchmarks/peer/montecarlo.py"
python3 -c 'import numpy, yaml' || { echo "the peer needs NumPy and PyYAML (pip install numpy pyyaml)" >&2; exit 2; }
work=$(mktemp -d)
without=$(mktemp --suffix=.yaml -p "$(dirname "$scenario")")
trap 'rm -rf "$work" "$without"' EXIT
printf 'extends: %s\ninfrastructure:\n  supabase:\n    compute: null\ngates: []\n' "$(basename "$scenario")" > "$without"
"$capsim" validate "$scenario" "$without" >/dev/null

"$capsim" run "$without" --format csv > "$work/capsim.csv"
$peer "$scenario" 1 1 --expected --json > "$work/peer.json" 2>/dev/null
"$capsim" run "$without" --runs "$runs" --seed 1 --format json > "$work/capsim-mc.json"
$peer "$scenario" "$runs" 1 --json > "$work/peer-mc.json" 2>/dev/null
python3 - "$work" <<'PY'
import csv, json, sys
work = sys.argv[1]
rows = list(csv.DictReader(open(f"{work}/capsim.csv")))
peer = json.load(open(f"{work}/peer.json"))["bands"]
worst, compared = (0.0, ""), 0
for column, band in peer.items():
    for t, row in enumerate(rows):
        mine, theirs = row[column], band["p50"][t]
        if mine == "" or theirs != theirs:
            if (mine == "") != (theirs != theirs):
                worst = (float("inf"), f"{column} month {t}: one side undefined")
            continue
        compared += 1
        error = abs(float(mine) - theirs) / max(abs(float(mine)), 1e-9)
        worst = max(worst, (error, f"{column} month {t}"))
print(f"deterministic projection, peer against capsim: {compared} cells in {len(peer)} columns, "
      f"largest relative difference {worst[0]:.1e} ({worst[1]})")
capsim = {(b["metric"], b["month"]): b for b in json.load(open(f"{work}/capsim-mc.json"))["bands"]}
peer = json.load(open(f"{work}/peer-mc.json"))["bands"]
horizon = len(rows) - 1
for metric in ("users_total", "mrr_usd", "total_cost_usd"):
    print(f"Monte Carlo P50 {metric} at month {horizon}: capsim {capsim[(metric, horizon)]['p50']:.6g}, "
          f"peer {peer[metric]['p50'][horizon]:.6g} (independent streams: they differ by sampling error)")
PY
echo
echo "$runs runs, same model (capsim without the compute catalog):"
Benchmarks/scripts/ratio.sh "$rounds" "numpy peer" "$peer $scenario $runs 1" \
  "capsim" "$capsim run $without --runs $runs --seed 1"
echo
echo "$runs runs, capsim with MODEL.md §9 (the peer has no §9):"
Benchmarks/scripts/ratio.sh "$rounds" "numpy peer" "$peer $scenario $runs 1" \
  "capsim" "$capsim run $scenario --runs $runs --seed 1"
echo
echo "$runs runs, capsim with §9 on one thread (the peer runs on one core):"
Benchmarks/scripts/ratio.sh "$rounds" "numpy peer" "$peer $scenario $runs 1" \
  "capsim" "$capsim run $scenario --runs $runs --seed 1 --threads 1"
