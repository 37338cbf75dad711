#!/usr/bin/env bash
# Dev benchmarks of clip4j-index (not part of the test suite).
#   clip4j-index/bench.sh recall [--n 1000000 --dim 512 --clusters 4000 --m 16 --beam 100 --dir D ...]
#   clip4j-index/bench.sh throughput --model M --images DIR [--generate 200] [--batch 16 --decoders N]
#   clip4j-index/bench.sh decode --images DIR [--model M] [--threads 2] [--rounds 2] [--files N]
# JAVA_OPTS sets the heap (default -Xmx8g). This worktree's clip4j-core classes come first on the class path.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
. "$root/scripts/find-jdk.sh"
cd "$root"
mvn -q -B -o -pl clip4j-index -am test-compile >/dev/null 2>&1 || mvn -q -B -pl clip4j-index -am test-compile
cpfile="$here/target/bench.classpath"
mvn -q -B -o -pl clip4j-index dependency:build-classpath -Dmdep.outputFile="$cpfile" >/dev/null 2>&1 \
  || mvn -q -B -pl clip4j-index dependency:build-classpath -Dmdep.outputFile="$cpfile"
case "${1:-}" in
  recall) main=io.clip4j.index.RecallBenchmark ;;
  throughput) main=io.clip4j.index.ThroughputBenchmark ;;
  decode) main=io.clip4j.index.DecodeBenchmark ;;
  *) echo "usage: $0 recall|throughput|decode [--name value]..." >&2; exit 2 ;;
esac
shift
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED ${JAVA_OPTS:--Xmx8g} \
  -cp "$here/target/test-classes:$here/target/classes:$root/clip4j-core/target/classes:$(cat "$cpfile")" "$main" "$@"
