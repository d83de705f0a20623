#!/usr/bin/env bash
# Builds psyarn's role image on a node that reaches no image registry.
#
#   docker/build-image.sh [IMAGE]        (default psyarn/worker:0.1)
#
# Step 1 imports a base image from this machine's own files: the JDK that runs this script (its
# java.home, at the same path), bash, coreutils and findutils, and the shared libraries they load;
# nothing is downloaded. Step 2 builds docker/Dockerfile on that base (with the host network, since
# nodes started with `dockerd --bridge=none` have no bridge for build containers).
# Re-running is cheap: the base is rebuilt only when missing.
set -euo pipefail
image="${1:-psyarn/worker:0.1}"
base="psyarn/jdk-base:17"
here="$(cd "$(dirname "$0")" && pwd)"
docker="${DOCKER:-docker}"

if ! "$docker" image inspect "$base" >/dev/null 2>&1; then
  java_bin="$(command -v java)"
  java_home="$(dirname "$(dirname "$(readlink -f "$java_bin")")")"
  root="$(mktemp -d)"
  trap 'rm -rf "$root"' EXIT
  echo "psyarn: importing $base from $java_home and this machine's bash and coreutils"
  mkdir -p "$root/usr/bin" "$root/usr/lib" "$root/usr/lib64" "$root/etc" "$root/tmp" "$root/opt"
  chmod 1777 "$root/tmp"
  ln -s usr/bin "$root/bin"
  ln -s usr/lib "$root/lib"
  ln -s usr/lib64 "$root/lib64"
  ln -s usr/bin "$root/sbin"
  # The JDK, symbolic links resolved (Debian's point into /etc), without what a JVM never reads.
  mkdir -p "$root$java_home"
  tar -C "$java_home" -ch --exclude=./jmods --exclude=./include --exclude=./man --exclude=./docs \
      --exclude=./legal --exclude=./lib/src.zip . | tar -C "$root$java_home" -x
  tools="bash sh env cat cp ln ls mkdir mv rm chmod chown dirname basename find head tail grep sed sleep id
    uname date readlink touch"
  libs=()
  for t in $tools; do
    p="$(command -v "$t")"
    cp -L "$p" "$root/usr/bin/$t"
    libs+=("$p")
  done
  libs+=("$java_home/bin/java" "$java_home"/lib/*.so "$java_home"/lib/server/*.so)
  # Every shared library those programs load, at its own path.
  for f in "${libs[@]}"; do ldd "$f" 2>/dev/null || true; done \
    | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u | while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  ln -sf "$java_home/bin/java" "$root/usr/bin/java"
  printf 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
  tar -C "$root" -c . | "$docker" import -c "ENV JAVA_HOME=$java_home" - "$base" >/dev/null
fi

echo "psyarn: building $image on $base"
if ! out="$(DOCKER_BUILDKIT=0 "$docker" build -q --network host --build-arg "BASE=$base" -t "$image" \
    -f "$here/Dockerfile" "$here" 2>&1)"; then
  echo "$out" >&2
  exit 1
fi
echo "psyarn: built $image"
