package dev.psyarn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which of an explicit Hadoop classpath's jars a server's or worker's JVM gets. */
class RoleClasspathTest {

  @Test
  void theBuildsListIsReadAsJarFileNames() {
    assertEquals(List.of("hadoop-common-3.5.0.jar", "netty-handler-4.1.130.Final.jar", "zstd-jni-1.5.6-6.jar"),
        List.copyOf(RoleClasspath.parse("lib/hadoop-common-3.5.0.jar:lib/netty-handler-4.1.130.Final.jar:"
            + "lib/zstd-jni-1.5.6-6.jar\n")));
    assertEquals(Set.of(), RoleClasspath.parse(""));
    assertEquals(Set.of("a-1.jar"), RoleClasspath.parse("lib/a-1.jar:lib/notes.txt"));
  }

  @Test
  void onlyListedJarsStayInTheirOrderBesideEveryDirectoryAndWildcard() {
    String classpath = String.join(":", "/m2/b/hadoop-common-3.5.0.jar", "/etc/hadoop",
        "/m2/x/hadoop-yarn-server-nodemanager-3.5.0.jar", "/m2/a/netty-handler-4.1.130.Final.jar",
        "/opt/hadoop/share/hadoop/common/lib/*", "/m2/y/hadoop-hdfs-3.5.0-tests.jar", "/work/target/classes");
    Set<String> needed = Set.of("netty-handler-4.1.130.Final.jar", "hadoop-common-3.5.0.jar", "reload4j-1.2.22.jar");
    String lean = RoleClasspath.lean(classpath, ":", needed);
    assertEquals(String.join(":", "/m2/b/hadoop-common-3.5.0.jar", "/etc/hadoop", "/m2/a/netty-handler-4.1.130.Final.jar",
        "/opt/hadoop/share/hadoop/common/lib/*", "/work/target/classes"), lean);
    assertEquals(2, RoleClasspath.jars(lean, ":"));
    assertEquals(4, RoleClasspath.jars(classpath, ":"));
    assertEquals("C:\\m2\\hadoop-common-3.5.0.jar",
        RoleClasspath.lean("C:\\m2\\hadoop-common-3.5.0.jar;C:\\m2\\hadoop-hdfs-3.5.0.jar", ";", needed),
        "a Windows path's file name is after its last backslash");
  }

  @Test
  void withoutAListOrWithNoListedJarTheClasspathStaysWhole() {
    String classpath = "/m2/hadoop-common-3.5.0.jar:/m2/hadoop-hdfs-3.5.0.jar";
    assertEquals(classpath, RoleClasspath.lean(classpath, ":", Set.of()));
    assertEquals(classpath, RoleClasspath.lean(classpath, ":", Set.of("kryo-5.6.2.jar")),
        "a list that matches none of the jars is another build's: nothing is left out");
    assertEquals("/opt/hadoop/share/*", RoleClasspath.lean("/opt/hadoop/share/*", ":", Set.of("kryo-5.6.2.jar")));
  }

  @Test
  void withoutTheListOnTheClasspathNothingIsListed() {
    assertEquals(Set.of(), RoleClasspath.listed(), "the list is the apps module's; container-runtime's tests do not see it");
  }
}
