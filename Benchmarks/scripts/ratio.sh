#!/usr/bin/env bash
# Times two shell commands side by side, interleaved ROUNDS times (the machine is noisy: only
# a ratio measured in one run means anything); prints each pair and the median ratio A / B.
# Usage: ratio.sh ROUNDS LABEL_A 'COMMAND A' LABEL_B 'COMMAND B'
set -euo pipefail
rounds=$1 label_a=$2 command_a=$3 label_b=$4 command_b=$5
time_of() { local start end; start=$(date +%s%N); bash -c "$1" >/dev/null || exit 1; end=$(date +%s%N); echo $(( (end - start) / 1000000 )); }
ratios=()
for _ in $(seq "$rounds"); do
  a=$(time_of "$command_a"); b=$(time_of "$command_b")
  ratios+=("$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", a / b }')")
  echo "$label_a ${a} ms, $label_b ${b} ms, ratio ${ratios[-1]}"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk -v a="$label_a" -v b="$label_b" \
  '{ r[NR] = $1 } END { print "median ratio (" a " / " b "): " r[int((NR + 1) / 2)] " (range " r[1] "–" r[NR] ")" }'
