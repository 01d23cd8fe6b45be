# shellcheck shell=bash
# Sourced by ./mvnw and ./ripple: prints the home of a JDK 25 or newer, or fails with one line.
# Order: $JAVA_HOME if it is new enough, then the usual install places, then `java` on the PATH.
# Nothing needs exporting by the user; RIPPLE_JAVA_HOME overrides everything.

ripple_jdk_major() { # $1 = a JDK home; prints its feature version or nothing
  local home=$1 v=""
  [ -x "$home/bin/java" ] || return 1
  if [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" | head -n 1)
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
  fi
  [ -n "$v" ] && printf '%s\n' "$v"
}

ripple_find_jdk() {
  local want=25 best="" best_v=0 home v
  if [ -n "${RIPPLE_JAVA_HOME:-}" ]; then
    printf '%s\n' "$RIPPLE_JAVA_HOME"; return 0
  fi
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(ripple_jdk_major "$JAVA_HOME" || true)
    if [ -n "$v" ] && [ "$v" -ge "$want" ]; then printf '%s\n' "$JAVA_HOME"; return 0; fi
  fi
  for home in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /opt/*jdk* \
              "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* "$HOME"/.local/share/jdks/* \
              /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$home" ] || continue
    v=$(ripple_jdk_major "$home" || true)
    if [ -n "$v" ] && [ "$v" -ge "$want" ] && [ "$v" -gt "$best_v" ]; then best=$home; best_v=$v; fi
  done
  if [ -z "$best" ] && command -v java >/dev/null 2>&1; then
    home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    v=$(ripple_jdk_major "$home" || true)
    if [ -n "$v" ] && [ "$v" -ge "$want" ]; then best=$home; fi
  fi
  if [ -z "$best" ]; then
    echo "ripple: no JDK $want or newer found (looked at JAVA_HOME, /usr/lib/jvm, /opt, ~/.sdkman, ~/.jdks and PATH); install one, e.g. 'apt-get install temurin-25-jdk', or set JAVA_HOME to it" >&2
    return 1
  fi
  printf '%s\n' "$best"
}
