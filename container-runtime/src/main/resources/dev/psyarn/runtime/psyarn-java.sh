#!/bin/bash
# Starts a psyarn JVM (the AM, a server, a worker) in its YARN container with a class data sharing
# archive of psyarn's and Hadoop's classes, kept on the node for every later container of the same
# jar, role and JDK (dev.psyarn.runtime.ClassDataSharing says how the launch context is built).
#
#   bash psyarn-java.sh <key> <java> <JVM options> <main class> <arguments>
#
# CLASSPATH starts with "$PWD/psyarn.jar", then the jars of Hadoop's classpath, then "$PWD".
# - The archive and a copy of the jar it was made from are in $PSYARN_CDS_DIR (default
#   /tmp/psyarn-cds-<user>), a directory of the user's own (mode 700; not used if anyone else owns it).
# - With an archive, the JVM is started with it (-Xshare:auto: a JVM that cannot map it runs without).
# - Without one, the first container takes a lock and runs its JVM recording the classes it loads
#   (kept after a clean exit, status 0, or a stop, 143). The next container makes the archive from that list before
#   it starts its JVM, in a short JVM whose classpath is the jar's copy and Hadoop's jars only, and
#   starts with it; from then on every container does. All of it happens inside a container's own
#   run (nothing is left running after a container), and the exit status is always its JVM's.
set -u
key=$1
java=$2
shift 2
# Every container starts here: the way to a JVM with an archive starts no process but the JVM (a
# process is 5-20 ms of a busy node's CPU). YARN sets USER to the application's user, who is the
# process's unless the node runs containers as another (a non-secure LinuxContainerExecutor's
# local user): then the directory of that name is not this process's own, and its name is asked for.
user=${USER:-}
if [ -z "$user" ] || { [ -e "/tmp/psyarn-cds-$user" ] && [ ! -O "/tmp/psyarn-cds-$user" ]; }; then
  user=$(id -un 2>/dev/null || echo "${USER:-user}")
fi
dir=${PSYARN_CDS_DIR:-/tmp/psyarn-cds-$user}
rest=${CLASSPATH#"$PWD/psyarn.jar"}
if [ "$rest" = "${CLASSPATH:-}" ] || [ ! -f psyarn.jar ]; then
  exec "$java" "$@"
fi
# The JDK is part of the name, so that an upgrade in place makes a new archive: its build as its
# release file says (what the JVM checks an archive against), or else its modules file's time and size.
jdk=
if [ -r "${java%/bin/java}/release" ]; then
  while IFS= read -r line; do
    case "$line" in
      JAVA_RUNTIME_VERSION=*) jdk=${line#JAVA_RUNTIME_VERSION=} ;;
    esac
  done < "${java%/bin/java}/release"
fi
if [ -n "$jdk" ]; then
  name=$key-${jdk//[^A-Za-z0-9._+-]/}
else
  jdk=$(stat -Lc %Y-%s "${java%/bin/java}/lib/modules" 2>/dev/null || echo none)
  name=$key-$(printf '%s' "$jdk" | cksum | cut -d' ' -f1)
fi
archive=$dir/$name.jsa
jar=$dir/$name.jar
list=$dir/$name.classes
owned() {
  [ -d "$dir" ] && [ ! -L "$dir" ] && [ -O "$dir" ]
}
shared() {
  echo "psyarn: class data sharing from $archive" >&2
  exec "$java" -XX:SharedArchiveFile="$archive" -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off \
    -cp "$jar$rest" "$@"
}
if owned && [ -f "$archive" ] && [ -f "$jar" ]; then
  # Marked as used (archives unused for 30 days go) beside the JVM's start, not before it.
  touch -c "$archive" 2>/dev/null &
  shared "$@"
fi
mkdir -p -m 700 "$dir" 2>/dev/null
# A lock whose holder is gone (a container stopped while it held it) is taken over; after an hour, any.
if owned && [ -f "$archive.lock" ] && ! kill -0 "$(cat "$archive.lock" 2>/dev/null)" 2>/dev/null; then
  rm -f "$archive.lock"
fi
owned && find "$dir" -maxdepth 1 -name '*.lock' -mmin +60 -delete 2>/dev/null
# So do the pieces of an archive or a jar whose container was killed while making them (72 MB an AM's).
owned && find "$dir" -maxdepth 1 \( -name '*.jsa.[0-9]*' -o -name '*.jar.[0-9]*' \) -mmin +60 -delete 2>/dev/null
if ! owned || [ -f "$dir/$name.failed" ]; then
  exec "$java" "$@"
fi
if ! (set -C; echo $$ > "$archive.lock") 2>/dev/null; then
  echo "psyarn: another container here (process $(cat "$archive.lock" 2>/dev/null)) is recording or making $archive; this one starts without class data sharing" >&2
  exec "$java" "$@"
fi
# A list whose recorder was stopped with its container (an AM is, once it has unregistered) holds the
# classes loaded until then.
for left in "$list".*; do
  if [ -s "$left" ]; then
    mv -f "$left" "$list"
  fi
  rm -f "$left"
done
# Archives no container used for 30 days go, with their jars and marks.
find "$dir" -maxdepth 1 \( -name '*.jsa' -o -name '*.failed' \) -mtime +30 2>/dev/null | while read -r old; do
  rm -f "$old" "${old%.*}.jar"
done
if [ -s "$list" ]; then
  echo "psyarn: making the class data sharing archive $archive" >&2
  # The same kind's archives of other builds go once unused for an hour (the key is <main>-<kind>-<build>).
  find "$dir" -maxdepth 1 -name "${key%-*}-*.jsa" ! -name "$name.jsa" -mmin +60 2>/dev/null | while read -r old; do
    rm -f "$old" "${old%.jsa}.jar"
  done
  jars=${rest%%":$PWD:"*}
  { ln -f "$(readlink -f psyarn.jar)" "$jar.$$" 2>/dev/null || cp psyarn.jar "$jar.$$"; } \
    && mv -f "$jar.$$" "$jar" \
    && "$java" -XX:ArchiveClassesAtExit="$archive.$$" -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off \
         -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m -cp "$jar$jars" \
         dev.psyarn.runtime.ClassDataSharing "$list" >&2 \
    && mv -f "$archive.$$" "$archive"
  if [ ! -f "$archive" ]; then
    echo "psyarn: could not make $archive; this kind of JVM starts without class data sharing here" >&2
    touch "$dir/$name.failed"
    rm -f "$jar"
  fi
  rm -f "$list" "$archive.$$" "$jar.$$" "$archive.lock"
  if [ -f "$archive" ]; then
    shared "$@"
  fi
  exec "$java" "$@"
fi
echo "psyarn: no class data sharing archive here yet; this container records the classes it loads" >&2
# A stop (SIGTERM to the container's processes) reaches the JVM too; the script waits for it to end
# instead of dying first, to keep its list.
trap 'stopped=1' TERM
"$java" -XX:DumpLoadedClassList="$list.$$" "$@"
status=$?
# Kept after a clean exit, or a stop (SIGTERM: 143); not after a failure.
if { [ "$status" -eq 0 ] || [ "$status" -eq 143 ]; } && [ -s "$list.$$" ]; then
  mv -f "$list.$$" "$list"
fi
rm -f "$list.$$" "$archive.lock"
exit "$status"
