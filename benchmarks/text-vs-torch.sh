#!/usr/bin/env bash
# clip4j's text tower on real prompts vs PyTorch CPU at full context, measured back to back (dev tool, not CI).
#
#   benchmarks/text-vs-torch.sh [ARCH] [ROUNDS]      e.g. benchmarks/text-vs-torch.sh ViT-B-32 3
#
# Prompts: the 80 ImageNet templates x the first 10 classes ($PROMPTS), tokenized by clip4j's bundled BPE,
# batches of 32. clip4j computes only up to the last end-of-text token of each batch (and, for the ratio
# of the cut alone, the full 77-token context too); PyTorch runs CLIP's encode_text over all 77 positions.
# Each round runs both once; the summary gives the medians and the median per-round ratio. Equal
# checksums show equal features. Needs python3-torch and the -Pbench build of clip4j-bench.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
arch="${1:-ViT-B-32}"
rounds="${2:-3}"
threads="${THREADS:-2}"
prompts="${PROMPTS:-/work/shared/data/imagenet-prompts.json}"
work="${WORK:-/tmp/clip4j-ort-bench}/$arch"
. "$root/scripts/find-jdk.sh"

mkdir -p "$work"
if [ ! -f "$work/model.safetensors" ]; then
  "$root/clip4j" synth --arch "$arch" --out "$work" >&2
fi
jar="$root/clip4j-bench/target/benchmarks.jar"
if [ ! -f "$jar" ]; then
  (cd "$root" && mvn -B -q -Pbench -pl clip4j-bench -am package -DskipTests) >&2
fi
results="$work/text-results.jsonl"
: > "$results"
for round in $(seq "$rounds"); do
  c=$("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC \
      -Dclip4j.threads="$threads" ${CLIP4J_JAVA_OPTS:-} -cp "$jar" io.clip4j.bench.TextPrompts "$work" "$prompts" 1 2>/dev/null | tail -1)
  t=$(OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 "$here/torch_text_bench.py" "$work" "$prompts" --rounds 1 \
      --threads "$threads" --clip4j "$root/clip4j" | tail -1)
  echo "{\"arch\": \"$arch\", \"round\": $round, \"clip4j\": $c, \"torch\": $t}" | tee -a "$results"
done
python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
med = lambda xs: statistics.median(xs)
cut = med(r["clip4j"]["cut_texts_per_s"] for r in rows)
full = med(r["clip4j"]["full_texts_per_s"] for r in rows)
torch = med(r["torch"]["texts_per_s"] for r in rows)
ratio = med(r["clip4j"]["cut_texts_per_s"] / r["torch"]["texts_per_s"] for r in rows)
print(f"{rows[0]['arch']} text tower, {rows[0]['clip4j']['prompts']} prompts, batch 32 ({rows[0]['clip4j']['kernels']}): "
      f"clip4j {cut:.1f} texts/s up to the last EOT ({full:.1f} at full context), PyTorch {torch:.1f} texts/s at "
      f"full context; median ratio clip4j/PyTorch {ratio:.2f} over {len(rows)} rounds; "
      f"checksums {rows[-1]['clip4j']['checksum']:.6g} vs {rows[-1]['torch']['checksum']:.6g}")
PY
