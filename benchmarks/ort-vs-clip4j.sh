#!/usr/bin/env bash
# clip4j vs ONNX Runtime Java on the same random weights, measured back to back (dev tool, not CI).
#
#   benchmarks/ort-vs-clip4j.sh [ARCH] [BATCHES] [SECONDS] [ROUNDS]
#   e.g. benchmarks/ort-vs-clip4j.sh ViT-B-32 "1 32" 20 3
#
# Needs: python3-torch and python3-onnx (Debian) for the one-time ONNX export, Maven for the ORT jar.
# The two runtimes alternate ROUNDS times per batch size (the machine is shared: compare within a
# round); each line is one JSON result, and the summary gives the median ratio clip4j / ORT.
# The ORT harness feeds the same pixels as `clip4j bench`, so equal checksums show equal graphs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
arch="${1:-ViT-B-32}"
batches="${2:-1 32}"
seconds="${3:-20}"
rounds="${4:-3}"
threads="${THREADS:-2}"
ort_version="${ORT_VERSION:-1.22.0}"
work="${WORK:-/tmp/clip4j-ort-bench}/$arch"
. "$root/scripts/find-jdk.sh"

mkdir -p "$work"
if [ ! -f "$work/model.safetensors" ]; then
  "$root/clip4j" synth --arch "$arch" --out "$work" >&2
fi
if [ ! -f "$work/visual.onnx" ]; then
  /usr/bin/python3 "$here/export_onnx.py" "$work" "$work/visual.onnx" >&2
fi
ort_jar="$HOME/.m2/repository/com/microsoft/onnxruntime/onnxruntime/$ort_version/onnxruntime-$ort_version.jar"
if [ ! -f "$ort_jar" ]; then
  mvn -B -q dependency:get -Dartifact="com.microsoft.onnxruntime:onnxruntime:$ort_version" >&2
fi
res=$(python3 -c "import json;print(json.load(open('$work/config.json'))['image_resolution'])")

results="$work/results.jsonl"
: > "$results"
for batch in $batches; do
  for round in $(seq "$rounds"); do
    c=$("$root/clip4j" bench --model "$work" --batch "$batch" --seconds "$seconds" --threads "$threads" --json 2>/dev/null | tail -1)
    o=$("$JAVA_HOME/bin/java" -cp "$ort_jar" "$here/OrtBench.java" "$work/visual.onnx" "$batch" "$seconds" "$threads" "$res" 2>/dev/null | tail -1)
    echo "{\"arch\": \"$arch\", \"batch\": $batch, \"round\": $round, \"clip4j\": $c, \"ort\": $o}" | tee -a "$results"
  done
done
python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
for batch in sorted({r["batch"] for r in rows}):
    rs = [r for r in rows if r["batch"] == batch]
    ratio = statistics.median(r["clip4j"]["items_per_s"] / r["ort"]["items_per_s"] for r in rs)
    c = statistics.median(r["clip4j"]["items_per_s"] for r in rs)
    o = statistics.median(r["ort"]["items_per_s"] for r in rs)
    rss_c = max(r["clip4j"]["peak_rss_mb"] for r in rs)
    rss_o = max(r["ort"]["peak_rss_mb"] for r in rs)
    print(f"{rs[0]['arch']} batch {batch}: clip4j {c:.2f}/s ({rs[0]['clip4j']['kernels']}), ORT {o:.2f}/s, "
          f"median ratio {ratio:.2f} over {len(rs)} rounds; peak RSS {rss_c} vs {rss_o} MB; "
          f"checksums {rs[-1]['clip4j']['checksum']:.5g} vs {rs[-1]['ort']['checksum']:.5g}")
PY
