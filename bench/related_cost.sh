#!/usr/bin/env bash
# What related articles and backlinks cost: times `huddle check` (every stage
# but writing, so the disk does not blur the figure) on the same generated site
# with them on (the default) and off (`[related] count = 0`, `backlinks = false`).
#
#   bash bench/related_cost.sh [N]        (default N = 10000; RUNS=5 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
runs=${RUNS:-5}
scratch=$(mktemp -d)
trap 'rm -rf -- "$scratch"' EXIT
cargo build --release --quiet
python3 bench/gen_site.py --articles "$n" --out "$scratch/on" >/dev/null 2>&1
cp -r "$scratch/on" "$scratch/off"
printf 'backlinks = false\n\n[related]\ncount = 0\n' >> "$scratch/off/site.toml"
for variant in on off; do
    target/release/huddle check --root "$scratch/$variant" >/dev/null 2>&1   # warm-up
done
for i in $(seq "$runs"); do
    for variant in on off; do
        printf '%s ' "$variant"
        python3 bench/timed.py target/release/huddle check --root "$scratch/$variant"
    done
done | python3 -c '
import sys, statistics
rows = {}
for line in sys.stdin:
    v, wall, rss, user, sys_ = line.split()[:5]
    rows.setdefault(v, []).append((float(wall), int(rss), float(user) + float(sys_)))
print("variant  median wall s  median cpu s  peak RSS MiB")
for v in ("on", "off"):
    r = rows[v]
    print("%-8s %13.3f %13.3f %13.1f" % (v, statistics.median(x[0] for x in r), statistics.median(x[2] for x in r), max(x[1] for x in r) / 1024))
on = statistics.median(x[0] for x in rows["on"]); off = statistics.median(x[0] for x in rows["off"])
print("related + backlinks cost: %+.1f %% wall" % ((on / off - 1) * 100))
'
