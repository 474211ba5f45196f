#!/usr/bin/env bash
# End-to-end scaling of `geoevents build` on synthetic events.
#
#   bash benches/scale.sh                      # 100k, 1M, 10M events
#   bash benches/scale.sh --sizes "100000 1000000"
#   bash benches/scale.sh --profile            # also profile the 1M lean run
#
# Builds the release binary and examples/synth, generates each size of
# events (seed 7) into a temporary directory that is deleted afterwards,
# and times `geoevents build` with /usr/bin/time -v in two configurations:
#
#   lean      --formats geojson --no-map --no-preview --rings none
#             --links none --no-uncertainty
#   defaults  every format, rings, links, uncertainty areas (the map and the
#             preview skip themselves above 2000 events / 5000 features)
#
# --runs times each (default 3: wall times on a shared VM swing by a
# third), and prints the median wall time (and the range), the median CPU
# time (user + system), the highest peak RSS, events/s and the output size.
# A size is skipped, with a message, when the disk is
# short (10M needs >= 6 GB free for its input alone; outputs are estimated
# from the previous size) or when the previous size predicts a run longer
# than --max-seconds (default 600: a lean 1M run over 60 s skips the lean
# 10M run).
#
# --profile records the lean run on --profile-size events (default 1M)
# with `perf record` (call graphs from DWARF) and prints `perf stat`
# counters, the hottest functions (self time) and the share of each
# pipeline stage; without a working perf it runs callgrind on
# --callgrind-size events (default 100000: callgrind is ~50x slower) and
# prints callgrind_annotate's top functions.
set -euo pipefail

cd "$(dirname "$0")/.."

SIZES="100000 1000000 10000000"
SEED=7
PROFILE=0
PROFILE_SIZE=1000000
CALLGRIND_SIZE=100000
MAX_SECONDS=600
CONFIGS="lean defaults"
RUNS=3

usage() {
    sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'
    echo
    echo "options: --sizes \"N …\"  --seed N  --configs \"lean defaults\"  --max-seconds S  --runs N"
    echo "         --profile  --profile-size N  --callgrind-size N"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) SIZES="$2"; shift 2 ;;
        --seed) SEED="$2"; shift 2 ;;
        --configs) CONFIGS="$2"; shift 2 ;;
        --max-seconds) MAX_SECONDS="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --profile) PROFILE=1; shift ;;
        --profile-size) PROFILE_SIZE="$2"; shift 2 ;;
        --callgrind-size) CALLGRIND_SIZE="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "scale.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
done

# Attributes each perf sample to the first pipeline stage found on its call
# stack (order matters: an uncertainty circle calls distance::inverse too).
STAGES_PY='
import sys
from collections import Counter
stages = [
    ("uncertainty areas (shapes::geodesic_circle via uncertainty_feature)", "uncertainty_feature"),
    ("range rings", "ring_feature"),
    ("links (geodesic lines)", "link_feature"),
    ("nearest base: distance::inverse to every base", "geoevents::distance::inverse"),
    ("GeoPackage (SQLite)", "output::gpkg"),
    ("KML", "output::kml"),
    ("CSV layers", "output::csv_layer"),
    ("GeoJSONSeq", "output::seq"),
    ("Datawrapper markers", "output::datawrapper"),
    ("one-file documents (assembling parts)", "output::documents"),
    ("GeoJSON serialisation and write (LayerWriter)", "LayerWriter"),
    ("event_feature (building the Feature)", "event_feature"),
    ("distances.csv and unresolved.csv rows", "output::tables"),
    ("place memo: look-up, and geocoding a text on first sight", "PlaceMemo::of"),
    ("geocoding (resolve)", "resolve"),
    ("event JSON on the reading thread (EventJson)", "EventJson"),
    ("events CSV read and parse (EventReader)", "EventReader"),
    ("dropping Features", "drop_in_place<geojson"),
]
counts, n = Counter(), 0
for sample in sys.stdin.read().split("\n\n"):
    if not sample.strip():
        continue
    n += 1
    stage = next((name for name, pat in stages if pat in sample), "other")
    counts[stage] += 1
for name, k in counts.most_common():
    print(f"{100 * k / n:5.1f}%  {name}")
print(f"({n} samples)")
'

say() { printf 'scale: %s\n' "$*" >&2; }

flags_for() {
    case "$1" in
        lean) echo "--formats geojson --no-map --no-preview --rings none --links none --no-uncertainty" ;;
        defaults) echo "" ;;
        *) say "unknown configuration $1"; exit 2 ;;
    esac
}

if [ ! -x /usr/bin/time ]; then
    say "/usr/bin/time is missing; installing Debian's 'time'"
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
    else
        say "not root: install it with 'apt-get install -y time'"; exit 1
    fi
fi

say "building release binary and examples/synth"
cargo build --release --quiet --bin geoevents --example synth
BIN=target/release/geoevents
SYNTH=target/release/examples/synth

TMP=$(mktemp -d "${TMPDIR:-/tmp}/geoevents-scale.XXXXXX")
cleanup() { rm -rf "$TMP"; }
trap cleanup EXIT

mem_total=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)
model=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo "?")
dirty=$(git status --porcelain --untracked-files=no 2>/dev/null | grep -c . || true)
say "machine: $(nproc) cores, ${model:-unknown CPU}, $mem_total; geoevents $commit${dirty:+ ($dirty files modified)}"

free_bytes() { df -Pk "$TMP" | awk 'NR==2 {printf "%.0f\n", $4 * 1024}'; }

# seconds from /usr/bin/time's "h:mm:ss" or "m:ss.ss"
to_seconds() {
    awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }' <<<"$1"
}

declare -A LAST_SIZE LAST_WALL LAST_OUT
RESULTS=()

# the median of numbers given one per line
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

run_build() {  # config events_file n
    local cfg=$1 events=$2 n=$3
    local out="$TMP/out-$cfg" timing="$TMP/time-$cfg.txt" log="$TMP/log-$cfg.txt"
    local walls=() cpus=() rss_max=0 run
    for run in $(seq "$RUNS"); do
        rm -rf "$out"
        # shellcheck disable=SC2046
        if ! /usr/bin/time -v -o "$timing" "$BIN" build --places places/places.csv \
            --events "$events" --out "$out" $(flags_for "$cfg") >"$log" 2>&1; then
            say "$cfg $n: build FAILED:"; tail -5 "$log" >&2
            RESULTS+=("$(printf '| %-8s | %11s | %10s | %8s | %11s | %12s | %10s |' "$cfg" "$n" failed - - - -)")
            rm -rf "$out"
            return
        fi
        local wall rss_kb cpu
        wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $NF}' "$timing")
        rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $NF}' "$timing")
        cpu=$(awk -F': ' '/User time|System time/ {s += $NF} END {printf "%.2f", s}' "$timing")
        walls+=("$(to_seconds "$wall")")
        cpus+=("$cpu")
        [ "$rss_kb" -gt "$rss_max" ] && rss_max=$rss_kb
    done
    local secs cpu_median low high rate out_bytes
    secs=$(printf '%s\n' "${walls[@]}" | median)
    cpu_median=$(printf '%s\n' "${cpus[@]}" | median)
    low=$(printf '%s\n' "${walls[@]}" | sort -g | head -1)
    high=$(printf '%s\n' "${walls[@]}" | sort -g | tail -1)
    rate=$(awk -v n="$n" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
    out_bytes=$(du -sb "$out" | cut -f1)
    grep -E 'events read|precision|wrote' "$log" | sed 's/^/    /' >&2 || true
    say "$cfg $n: wall ${secs}s (median of $RUNS: $low … $high; CPU ${cpu_median}s), peak RSS $((rss_max / 1024)) MB, $rate events/s, output $((out_bytes / 1048576)) MB"
    RESULTS+=("$(printf '| %-8s | %11s | %10.2f | %8.2f | %11d | %12s | %10d |' \
        "$cfg" "$n" "$secs" "$cpu_median" "$((rss_max / 1024))" "$rate" "$((out_bytes / 1048576))")")
    LAST_SIZE[$cfg]=$n
    LAST_WALL[$cfg]=$secs
    LAST_OUT[$cfg]=$out_bytes
    rm -rf "$out"
}

for n in $SIZES; do
    input_estimate=$((n * 210))
    if [ "$n" -ge 10000000 ] && [ "$(free_bytes)" -lt $((6 * 1024 * 1024 * 1024)) ]; then
        say "skipping $n events: less than 6 GB free in $TMP"
        continue
    fi
    if [ "$(free_bytes)" -lt $((input_estimate * 2)) ]; then
        say "skipping $n events: the input alone needs ~$((input_estimate / 1048576)) MB"
        continue
    fi
    events="$TMP/events-$n.csv"
    gen_start=$(date +%s.%N)
    "$SYNTH" --events "$n" --seed "$SEED" --out "$events" 2>/dev/null
    gen_secs=$(awk -v a="$gen_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
    say "generated $n events ($(($(stat -c %s "$events") / 1048576)) MB) in ${gen_secs}s"
    for cfg in $CONFIGS; do
        if [ -n "${LAST_SIZE[$cfg]:-}" ]; then
            predicted=$(awk -v w="${LAST_WALL[$cfg]}" -v a="${LAST_SIZE[$cfg]}" -v b="$n" 'BEGIN { printf "%.0f", w * b / a }')
            out_estimate=$(awk -v o="${LAST_OUT[$cfg]}" -v a="${LAST_SIZE[$cfg]}" -v b="$n" 'BEGIN { printf "%.0f", o * b / a * 1.2 }')
            if [ "$predicted" -gt "$MAX_SECONDS" ]; then
                say "skipping $cfg $n: ${LAST_SIZE[$cfg]} events took ${LAST_WALL[$cfg]}s, so this would take ~${predicted}s (> --max-seconds $MAX_SECONDS)"
                RESULTS+=("$(printf '| %-8s | %11s | %10s | %8s | %11s | %12s | %10s |' "$cfg" "$n" "~$predicted" - skipped - -)")
                continue
            fi
            if [ "$(free_bytes)" -lt "$out_estimate" ]; then
                say "skipping $cfg $n: its output would need ~$((out_estimate / 1048576)) MB, more than is free"
                RESULTS+=("$(printf '| %-8s | %11s | %10s | %8s | %11s | %12s | %10s |' "$cfg" "$n" - - "no disk" - -)")
                continue
            fi
        fi
        run_build "$cfg" "$events" "$n"
    done
    if [ "$PROFILE" = 1 ] && [ "$n" = "$PROFILE_SIZE" ]; then
        cp "$events" "$TMP/profile-events.csv"
    fi
    rm -f "$events"
done

echo
echo "geoevents $commit on $(nproc) cores, ${model:-unknown CPU}, $mem_total; seed $SEED"
echo
echo "| config   |      events |     wall s |    CPU s | peak RSS MB |     events/s |  output MB |"
echo "|----------|-------------|------------|----------|-------------|--------------|------------|"
printf '%s\n' "${RESULTS[@]}"

if [ "$PROFILE" = 1 ]; then
    echo
    lean_flags=$(flags_for lean)
    if [ ! -f "$TMP/profile-events.csv" ]; then
        "$SYNTH" --events "$PROFILE_SIZE" --seed "$SEED" --out "$TMP/profile-events.csv" 2>/dev/null
    fi
    if command -v perf >/dev/null && perf stat -e task-clock true >/dev/null 2>&1; then
        say "profiling the lean run on $PROFILE_SIZE events with perf"
        # shellcheck disable=SC2086
        perf stat -e task-clock,cycles,instructions,cache-misses,page-faults -o "$TMP/perf-stat.txt" \
            "$BIN" build --places places/places.csv --events "$TMP/profile-events.csv" \
            --out "$TMP/out-profile" -q $lean_flags
        echo "## perf stat, lean build, $PROFILE_SIZE events"
        grep -vE '^\s*$|^#' "$TMP/perf-stat.txt"
        rm -rf "$TMP/out-profile"
        # shellcheck disable=SC2086
        perf record -q -F 99 --call-graph dwarf,16384 -o "$TMP/perf.data" \
            "$BIN" build --places places/places.csv --events "$TMP/profile-events.csv" \
            --out "$TMP/out-profile" -q $lean_flags 2>/dev/null
        echo
        echo "## hottest functions (self time)"
        perf report -i "$TMP/perf.data" --no-children --stdio -g none --percent-limit 1 2>/dev/null |
            grep -E '^ +[0-9]' | head -25
        echo
        echo "## where the time goes: samples by the pipeline stage on their call stack"
        if command -v python3 >/dev/null; then
            perf script -i "$TMP/perf.data" 2>/dev/null | python3 -c "$STAGES_PY"
        else
            perf report -i "$TMP/perf.data" --children --stdio -g none --percent-limit 1 2>/dev/null |
                grep -E '^ +[0-9]' | grep -E 'geoevents::' | head -25
        fi
    elif command -v valgrind >/dev/null; then
        say "perf unavailable; profiling the lean run on $CALLGRIND_SIZE events with callgrind"
        head -n $((CALLGRIND_SIZE + 1)) "$TMP/profile-events.csv" >"$TMP/callgrind-events.csv"
        # shellcheck disable=SC2086
        valgrind --tool=callgrind --callgrind-out-file="$TMP/callgrind.out" \
            "$BIN" build --places places/places.csv --events "$TMP/callgrind-events.csv" \
            --out "$TMP/out-profile" -q $lean_flags 2>/dev/null
        echo "## callgrind_annotate, lean build, $CALLGRIND_SIZE events: hottest functions (self)"
        callgrind_annotate "$TMP/callgrind.out" 2>/dev/null | grep -E '^ *[0-9,]+ \(' | sed -n '2,26p'
        echo
        echo "## inclusive, geoevents functions"
        callgrind_annotate --inclusive=yes "$TMP/callgrind.out" 2>/dev/null |
            grep -E '^ *[0-9,]+ \(' | grep -E ':geoevents::' | grep -vE '=>|main|cli::' | head -25
    else
        say "--profile: neither perf nor valgrind is installed (apt-get install -y linux-perf valgrind)"
    fi
fi
