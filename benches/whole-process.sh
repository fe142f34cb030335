#!/usr/bin/env bash
# Whole-process benchmarks, rerunnable by anyone: hyperfine timings of the
# release binary on the reference project and on generated projects of 10,
# 100 and 1000 environments (one of them with an error among 1000), peak
# memory, and `kubectl kustomize` on the equivalent base + two overlays in
# benches/kustomize/ in the same run. Prints a Markdown table.
#
#   benches/whole-process.sh            # needs hyperfine (apt-get install hyperfine) and kubectl
#   RUNS=50 benches/whole-process.sh    # fewer runs
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-100}"
for tool in hyperfine kubectl python3; do
    command -v "$tool" >/dev/null || { echo "whole-process.sh: $tool is needed (hyperfine: apt-get install hyperfine)" >&2; exit 2; }
done

cargo build --release --locked --quiet --bin jhubgen --example scale
bin="$PWD/target/release/jhubgen"
# under target/: on some machines /tmp is a much slower file system
work="$(mktemp -d -p "$PWD/target" bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
for n in 10 100 1000; do target/release/examples/scale "$n" "$work/n$n"; done
target/release/examples/scale 1000 "$work/err1000" --error

kustomize="kubectl kustomize benches/kustomize/overlays/lab && kubectl kustomize benches/kustomize/overlays/aiv"
hyperfine --style basic --warmup 10 --runs "$runs" --export-json "$work/ref.json" \
    -n "jhubgen build --check (2 envs)" "$bin build --check" \
    -n "jhubgen lint (2 envs)" "$bin lint" \
    -n "kubectl kustomize (lab + aiv)" "sh -c '$kustomize > /dev/null 2>&1'" >&2
# -i: `build --check` on a fresh tree and the lint with an error exit 1 by design
hyperfine --style basic --warmup 3 -i --runs "$(( runs / 5 > 10 ? runs / 5 : 10 ))" --export-json "$work/scale.json" \
    -n "lint, 10 envs" "$bin lint --root $work/n10" \
    -n "lint, 100 envs" "$bin lint --root $work/n100" \
    -n "lint, 1000 envs" "$bin lint --root $work/n1000" \
    -n "build --check (4000 files compared), 1000 envs" "$bin build --check --root $work/n1000" \
    -n "build (writes 4000 files), 1000 envs" --prepare "rm -rf $work/n1000/environments; sync" "$bin build --root $work/n1000" \
    -n "lint, 1000 envs, one with an error" "$bin lint --root $work/err1000" >&2

# `jhubgen import` of the seed's values files (tests/fixtures/import/seed): the
# whole import — read, lift, map, the proof, the factored project built again,
# the re-import — into a fresh folder each run
mapfile -t import_args < tests/fixtures/import/seed/args
import_cmd="cd tests/fixtures/import/seed && $bin import $(printf '%q ' "${import_args[@]}") --out $work/imported"
hyperfine --style basic --warmup 3 --runs "$(( runs / 2 > 10 ? runs / 2 : 10 ))" --export-json "$work/import.json" \
    --prepare "rm -rf $work/imported" \
    -n "jhubgen import (seed: 2 envs)" "$import_cmd" >&2

# the bad environment is reported, and nothing is written
if "$bin" build --root "$work/err1000" 2>"$work/err.txt"; then echo "the error was not reported" >&2; exit 1; fi
grep -q "culling/timeout-too-short" "$work/err.txt" || { echo "the error was not reported" >&2; exit 1; }
[ ! -e "$work/err1000/environments" ] || { echo "a failed build wrote files" >&2; exit 1; }

python3 - "$work" "$bin" <<'PY'
import json, os, resource, statistics, subprocess, sys, platform
work, binary = sys.argv[1], sys.argv[2]
def rows(name):
    return json.load(open(os.path.join(work, name)))["results"]
def peak_kib(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
ref = rows("ref.json"); scale = rows("scale.json"); imported = rows("import.json")
ms = lambda r: statistics.median(r["times"]) * 1000
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
print(f"Machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}\n")
print("| command | median | mean ± σ | per environment |")
print("| --- | ---: | ---: | ---: |")
envs = {"2 envs": 2, "(lab + aiv)": 2, "10 envs": 10, "100 envs": 100, "1000 envs": 1000}
for r in ref + scale + imported:
    n = next((v for k, v in envs.items() if k in r["command"]), None)
    per = f"{ms(r) / n:.3f} ms" if n else ""
    print(f"| {r['command']} | {ms(r):.1f} ms | {r['mean']*1000:.1f} ± {r['stddev']*1000:.1f} ms | {per} |")
jh, kz = ms(ref[0]), ms(ref[2])
print(f"\n`kubectl kustomize` / `jhubgen build --check` (medians): **{kz / jh:.0f}×**")
peak = peak_kib([binary, "build", "--check", "--root", "."])
print(f"Peak memory of `jhubgen build --check` on the reference project: **{peak / 1024:.1f} MiB** (max RSS)")
PY
