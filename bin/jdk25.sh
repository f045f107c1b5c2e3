# Sourced by bin/ and .ci/ scripts: points JAVA_HOME at a JDK 25 or newer (the project's Java), or fails clearly.
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p'; }
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(java_major "$JAVA_HOME")" -lt 25 ] 2>/dev/null; then
  JAVA_HOME=""
  for candidate in /usr/lib/jvm/* /opt/java/* "$HOME"/.sdkman/candidates/java/* "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    if [ -x "$candidate/bin/javac" ] && [ "$(java_major "$candidate" 2>/dev/null || echo 0)" -ge 25 ] 2>/dev/null; then
      JAVA_HOME="$candidate"
      break
    fi
  done
  if [ -z "$JAVA_HOME" ]; then
    echo "hotloop needs a JDK 25 or newer: install one (e.g. Temurin 25) or set JAVA_HOME to it." >&2
    exit 1
  fi
fi
export JAVA_HOME
