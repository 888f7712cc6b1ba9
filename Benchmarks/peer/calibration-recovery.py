#!/usr/bin/env python3
"""Does `capsim calibrate` recover known parameters from months it did not compute?

Issue 24's acceptance check, runnable: the independent NumPy implementation of MODEL.md
(montecarlo.py --expected, written from the spec, not from capsim's code) projects the
scenario at hidden true values drawn at random; each observed cell is multiplied by
1 + NOISE·N(0, 1); capsim calibrate fits the same keys from the scenario's own guesses, and
each fitted value must be within 5% of the truth. For the last case it also writes the
calibrated scenario and runs it. Prints one line per case and a summary; exits 1 on a miss.

Usage: calibration-recovery.py [CASES] [NOISE] [SEED]   (defaults 12, 0.01, 1)
Run from the repository root after `swift build -c release`.
"""
import json
import os
import random
import subprocess
import sys
import tempfile

import yaml

CAPSIM = os.environ.get("CAPSIM", ".build/release/capsim")
SCENARIO = "scenarios/mirai-roadmap.yaml"
MONTHS = 24
COLUMNS = ["users_total", "paid_users", "mrr_usd", "signups"]
# Key, where it sits in the YAML, and the range the truth is drawn from.
FITTED = [
    ("acquisition.referral_rate", lambda s: s["acquisition"], "referral_rate", 0.08, 0.22),
    ("conversion_rate", lambda s: s, "conversion_rate", 0.008, 0.03),
    ("tiers.free.churn", lambda s: next(t for t in s["tiers"] if t["name"] == "free"), "churn", 0.05, 0.15),
]


def month_name(start, t):
    year, month = map(int, str(start).split("-"))
    index = year * 12 + month - 1 + t
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def main():
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 12
    noise = float(sys.argv[2]) if len(sys.argv) > 2 else 0.01
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    base = yaml.safe_load(open(SCENARIO))
    misses = 0
    work = tempfile.mkdtemp(prefix="capsim-recovery-")
    for case in range(cases):
        truth = [rng.uniform(low, high) for *_, low, high in FITTED]
        scenario = yaml.safe_load(open(SCENARIO))
        for (_, where, key, *_), value in zip(FITTED, truth):
            where(scenario)[key] = value
        hidden = os.path.join(work, "hidden.yaml")
        yaml.safe_dump(scenario, open(hidden, "w"))
        peer = subprocess.run([sys.executable, "Benchmarks/peer/montecarlo.py", hidden, "1", "1", "--expected", "--json"],
                              capture_output=True, text=True, check=True)
        bands = json.loads(peer.stdout)["bands"]
        actuals = os.path.join(work, "actuals.csv")
        with open(actuals, "w") as f:
            f.write("month," + ",".join(COLUMNS) + "\n")
            for t in range(1, MONTHS + 1):
                cells = [bands[c]["mean"][t] * (1 + noise * rng.gauss(0, 1)) for c in COLUMNS]
                f.write(month_name(base["start"], t) + "," + ",".join(repr(v) for v in cells) + "\n")
        command = [CAPSIM, "calibrate", SCENARIO, "--actuals", actuals, "--holdout", "0", "--format", "json"]
        command += sum([["--fit", key] for key, *_ in FITTED], [])
        if case == cases - 1:
            command += ["--output", os.path.join(work, "calibrated.yaml")]
        result = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
        fitted = [p["value"] for p in result["parameters"]]
        errors = [abs(f / t - 1) for f, t in zip(fitted, truth)]
        ok = max(errors) < 0.05
        misses += not ok
        print(f"{case:3d} truth {' '.join(f'{t:.4f}' for t in truth)}  fitted {' '.join(f'{f:.4f}' for f in fitted)}"
              f"  worst {max(errors):6.2%}  {'ok' if ok else 'MISS'}")
    run = subprocess.run([CAPSIM, "run", os.path.join(work, "calibrated.yaml"), "--runs", "200", "--format", "csv"],
                         capture_output=True, text=True)
    print(f"calibrated scenario of the last case: capsim run --runs 200 exits {run.returncode}"
          + (f": {run.stderr.strip()}" if run.returncode else ""))
    print(f"{cases - misses} of {cases} cases within 5% of every hidden value ({noise:.0%} noise, {MONTHS} months, "
          f"columns {', '.join(COLUMNS)})")
    sys.exit(1 if misses or run.returncode else 0)


if __name__ == "__main__":
    main()
