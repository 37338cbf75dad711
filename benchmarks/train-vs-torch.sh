#!/usr/bin/env bash
# Training-step throughput, clip4j vs PyTorch on the same architecture and batch, measured back to back
# (dev tool, not CI). The runs alternate ROUNDS times (the machine is shared: compare within a round).
#
#   benchmarks/train-vs-torch.sh [ARCH] [BATCH] [ROUNDS] [STEPS]
#   e.g. benchmarks/train-vs-torch.sh clip4j-fashion-28 256 3 10
#
# Needs Debian's python3-torch for the PyTorch side (benchmarks/train_step_torch.py).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
arch="${1:-clip4j-fashion-28}"
batch="${2:-256}"
rounds="${3:-3}"
steps="${4:-10}"
threads="${THREADS:-2}"
for r in $(seq 1 "$rounds"); do
  j=$("$root/clip4j" bench-train --arch "$arch" --batch "$batch" --steps "$steps" --threads "$threads" --json 2>/dev/null | tail -n 1)
  t=$(OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 "$here/train_step_torch.py" --arch "$arch" --batch "$batch" --steps "$steps" --threads "$threads")
  echo "round $r clip4j  $j"
  echo "round $r pytorch $t"
  /usr/bin/python3 -c "import json,sys; a=json.loads(sys.argv[1]); b=json.loads(sys.argv[2]); print('round %s ratio clip4j/pytorch %.2f (%.0f vs %.0f images/s)' % (sys.argv[3], a['images_per_s']/b['images_per_s'], a['images_per_s'], b['images_per_s']))" "$j" "$t" "$r"
done
