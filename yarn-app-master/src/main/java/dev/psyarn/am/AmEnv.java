package dev.psyarn.am;

import java.util.HashMap;
import java.util.Map;

/**
 * What the client tells the ApplicationMaster through its environment, and the only place the
 * names of those variables live.
 *
 * @param stagingDir the application's staging directory on the cluster file system
 * @param submitTimeMs when the client submitted, for the report's timings
 * @param hadoopClasspath the classpath containers use for Hadoop's jars, or empty to use
 *     {@code yarn.application.classpath} (local mode and tests pass their own)
 */
public record AmEnv(String stagingDir, long submitTimeMs, String hadoopClasspath, String jarDir) {

  static final String STAGING_DIR = "PSYARN_STAGING_DIR";
  static final String SUBMIT_TIME = "PSYARN_SUBMIT_TIME";
  static final String HADOOP_CLASSPATH = "PSYARN_HADOOP_CLASSPATH";
  /** Where {@link #JAR} and {@link #CONTAINER_JAR} are kept across submissions (client.JarCache); unset: staging. */
  static final String JAR_DIR = "PSYARN_JAR_DIR";

  /** The jars in the staging directory (localized for the application alone). */
  public AmEnv(String stagingDir, long submitTimeMs, String hadoopClasspath) {
    this(stagingDir, submitTimeMs, hadoopClasspath, null);
  }

  /** Whether the jars are the user's kept ones ({@link #jarDir}), localized once per user and node. */
  public boolean jarsKept() {
    return jarDir != null && !jarDir.isEmpty();
  }

  /** The directory holding {@link #JAR} and {@link #CONTAINER_JAR}. */
  public String jarLocation() {
    return jarsKept() ? jarDir : stagingDir;
  }

  /** The file names of what the client stages and YARN localizes. */
  public static final String JAR = "psyarn.jar";
  /**
   * The lean copy of the distribution jar ({@link dev.psyarn.client.ContainerJar}) servers and
   * shard-reading workers run on, localized under the link {@link #JAR} as the full one is.
   */
  public static final String CONTAINER_JAR = "psyarn-container.jar";
  public static final String SPEC = "job.yaml";

  /**
   * The staged copy of the app's jar {@code i} (of {@code app.jars}), in the staging directory.
   * Localized under {@link #appJarLink}: a name without {@code .jar}, so the containers' classpath
   * ({@code $PWD/*}) leaves it to the app's own class loader.
   */
  public static String appJarFile(int i) {
    return "app-jar-" + i + ".jar";
  }

  /** The name the app's jar {@code i} is localized under in every container. */
  public static String appJarLink(int i) {
    return "psyarn-app-jar-" + i;
  }

  /** The links of {@code n} app jars, as the containers' {@code PSYARN_APP_JARS} lists them. */
  public static String appJarLinks(int n) {
    return java.util.stream.IntStream.range(0, n).mapToObj(AmEnv::appJarLink)
        .collect(java.util.stream.Collectors.joining(","));
  }
  public static final String REPORT = "report.json";
  /** The status page with the job's final charts, beside the report. */
  public static final String REPORT_PAGE = "report.html";
  /** Where the AM's current attempt listens ("host:port"), for containers that outlive an attempt. */
  public static final String ENDPOINT = "am-endpoint";
  /**
   * The application secret, readable by the submitting user alone (mode 600 in the staging
   * directory's owner-only {@code private/}): the key with which the owner's {@code psyarn kill}
   * reaches the AM.
   */
  public static final String SECRET = "secret";
  /**
   * The user's keytab, when the client logged in from one: in the owner-only directory, localized
   * for the AM alone, which renews the job's tokens with it ({@link TokenRefresher}).
   */
  public static final String KEYTAB = "psyarn.keytab";
  /** The keytab's principal, in the AM's environment. */
  public static final String PRINCIPAL_ENV = "PSYARN_PRINCIPAL";
  /**
   * With TLS on, the application's certificate (X.509 DER) beside the secret: what the owner's
   * commands trust when they connect to the AM.
   */
  public static final String TLS_CERTIFICATE = "tls-certificate";
  /**
   * The one file the client stages for the AM and every container: a zip of the client's
   * configuration under each of {@link #SITE_FILES} and the spec ({@link #SPEC}), localized as an
   * archive under {@link dev.psyarn.runtime.ContainerClasspath#CONF_DIR}, which the classpath
   * holds. One archive is one localizer round trip (a NodeManager's localizer fetches one resource
   * a heartbeat); the six files it replaced were six on the AM's way to its start.
   */
  public static final String CONF_ARCHIVE = "psyarn-conf.zip";
  /**
   * The names the client's configuration goes under, so every Hadoop client in a JVM finds it: each
   * {@code *-default.xml} is read after {@code core-site.xml} and would override a value found only there.
   */
  public static final String[] SITE_FILES = {"core-site.xml", "hdfs-site.xml", "yarn-site.xml", "mapred-site.xml"};

  /** Where the AM reads the spec: {@link #SPEC} in the localized configuration's directory. */
  public static java.nio.file.Path specFile() {
    return java.nio.file.Paths.get(dev.psyarn.runtime.ContainerClasspath.CONF_DIR, SPEC);
  }

  public Map<String, String> toMap() {
    Map<String, String> env = new HashMap<>();
    env.put(STAGING_DIR, stagingDir);
    env.put(SUBMIT_TIME, Long.toString(submitTimeMs));
    env.put(HADOOP_CLASSPATH, hadoopClasspath == null ? "" : hadoopClasspath);
    if (jarsKept()) {
      env.put(JAR_DIR, jarDir);
    }
    return env;
  }

  public static AmEnv from(Map<String, String> env) {
    String staging = env.get(STAGING_DIR);
    if (staging == null || staging.isEmpty()) {
      throw new IllegalStateException(STAGING_DIR + " is not set: the AM is started by `psyarn submit`");
    }
    return new AmEnv(staging, Long.parseLong(env.getOrDefault(SUBMIT_TIME, "0")),
        env.getOrDefault(HADOOP_CLASSPATH, ""), env.get(JAR_DIR));
  }
}
