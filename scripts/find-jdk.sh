# Sourced by the launcher and the test script: sets JAVA_HOME to a JDK >= 25 or exits with a message.
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}
find_jdk() {
  local c v
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    v=$(java_major "$JAVA_HOME/bin/java"); if [ -n "$v" ] && [ "$v" -ge 25 ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  for c in /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    [ -x "$c/bin/java" ] || continue
    v=$(java_major "$c/bin/java"); if [ -n "$v" ] && [ "$v" -ge 25 ]; then echo "$c"; return 0; fi
  done
  if command -v java >/dev/null 2>&1; then
    c=$(readlink -f "$(command -v java)"); c=${c%/bin/java}
    v=$(java_major "$c/bin/java"); if [ -n "$v" ] && [ "$v" -ge 25 ]; then echo "$c"; return 0; fi
  fi
  return 1
}
if ! JAVA_HOME=$(find_jdk); then
  echo "clip4j: error: no JDK 25 or newer found (looked at \$JAVA_HOME, /usr/lib/jvm/*, java on the PATH)." >&2
  echo "clip4j: install one (e.g. Temurin 25) and set JAVA_HOME." >&2
  exit 127
fi
export JAVA_HOME
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
