package dev.psyarn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.psyarn.PsyarnConfig;
import dev.psyarn.cli.ExitCodes;
import dev.psyarn.client.ClientLogin;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.minikdc.MiniKdc;
import org.apache.hadoop.security.UserGroupInformation;

/**
 * A Kerberos cluster for a test class: Hadoop's MiniKdc, a Kerberized MiniDFSCluster and
 * MiniYARNCluster (or MiniMRYarnCluster): RPC authenticated with Kerberos and delegation tokens,
 * block tokens, YARN ACLs on with queue administration closed, the RM's web and its proxy behind
 * SPNEGO; users with keytabs of their own, and the psyarn command run as any of them.
 */
final class SecureHarness implements AutoCloseable {

  /** Every daemon runs as one principal: one JVM has one Kerberos login at a time. */
  static final String SERVICE = "yarn/localhost";

  final MiniKdc kdc;
  final ClusterHarness harness;
  final String realm;
  private final Map<String, File> keytabs;

  private SecureHarness(MiniKdc kdc, ClusterHarness harness, String realm, Map<String, File> keytabs) {
    this.kdc = kdc;
    this.harness = harness;
    this.realm = realm;
    this.keytabs = keytabs;
  }

  /**
   * Starts the KDC and the clusters; {@code tokenLifeMs} (0: Hadoop's 7 days) bounds the file
   * system's delegation tokens; commands run as the first of {@code users} unless told otherwise.
   */
  static SecureHarness start(String name, boolean mapReduce, long tokenLifeMs, String... users) throws Exception {
    Path work = Path.of("target", "it", name).toAbsolutePath();
    Files.createDirectories(work);
    MiniKdc kdc = new MiniKdc(MiniKdc.createConf(), work.resolve("kdc").toFile());
    kdc.start();
    String realm = kdc.getRealm();
    File services = work.resolve("services.keytab").toFile();
    kdc.createPrincipal(services, SERVICE, "HTTP/localhost");
    Map<String, File> keytabs = new LinkedHashMap<>();
    for (String user : users) {
      File keytab = work.resolve(user + ".keytab").toFile();
      kdc.createPrincipal(keytab, user);
      keytabs.put(user, keytab);
    }
    Map<String, String> secure = settings(SERVICE + "@" + realm, "HTTP/localhost@" + realm, services.getAbsolutePath(),
        tokenLifeMs);
    Configuration conf = new Configuration();
    secure.forEach(conf::set);
    UserGroupInformation.setConfiguration(conf);
    // MiniYARNCluster's daemons do not log in themselves: they run as this JVM's login user.
    UserGroupInformation.loginUserFromKeytab(SERVICE + "@" + realm, services.getAbsolutePath());
    ClusterHarness harness = ClusterHarness.start(name, 1, mapReduce, secure);
    // The AM (renewing from a keytab) and preprocessing's MapReduce JVMs need the KDC's krb5.conf:
    // a real cluster's nodes have /etc/krb5.conf.
    harness.conf.set(PsyarnConfig.AM_JAVA_OPTS, krb5Option());
    for (String opts : List.of("yarn.app.mapreduce.am.command-opts", "mapreduce.map.java.opts",
        "mapreduce.reduce.java.opts")) {
      harness.conf.set(opts, harness.conf.get(opts, "") + " " + krb5Option());
    }
    String first = users[0];
    harness.conf.set(ClientLogin.PRINCIPAL, first + "@" + realm);
    harness.conf.set(ClientLogin.KEYTAB, keytabs.get(first).getAbsolutePath());
    SecureHarness secureHarness = new SecureHarness(kdc, harness, realm, keytabs);
    UserGroupInformation.loginUserFromKeytabAndReturnUGI(SERVICE + "@" + realm, services.getAbsolutePath())
        .doAs((PrivilegedExceptionAction<Void>) () -> {
          try (FileSystem fs = FileSystem.newInstance(harness.conf)) {
            for (String user : users) {
              org.apache.hadoop.fs.Path home = new org.apache.hadoop.fs.Path("/user/" + user);
              fs.mkdirs(home);
              fs.setOwner(home, user, user);
            }
            fs.mkdirs(new org.apache.hadoop.fs.Path("/tmp"));
            fs.setPermission(new org.apache.hadoop.fs.Path("/tmp"), new FsPermission((short) 01777));
          }
          return null;
        });
    return secureHarness;
  }

  private static Map<String, String> settings(String service, String http, String keytab, long tokenLifeMs) {
    Map<String, String> s = new HashMap<>();
    s.put("hadoop.security.authentication", "kerberos");
    s.put("dfs.namenode.kerberos.principal", service);
    s.put("dfs.namenode.keytab.file", keytab);
    s.put("dfs.datanode.kerberos.principal", service);
    s.put("dfs.datanode.keytab.file", keytab);
    s.put("dfs.web.authentication.kerberos.principal", http);
    s.put("dfs.web.authentication.kerberos.keytab", keytab);
    s.put("dfs.block.access.token.enable", "true");
    // Non-privileged DataNode ports without SASL: for tests only (root is not needed).
    s.put("ignore.secure.ports.for.testing", "true");
    if (tokenLifeMs > 0) {
      s.put("dfs.namenode.delegation.token.max-lifetime", Long.toString(tokenLifeMs));
      s.put("dfs.namenode.delegation.token.renew-interval", Long.toString(tokenLifeMs));
    }
    s.put("yarn.resourcemanager.principal", service);
    s.put("yarn.resourcemanager.keytab", keytab);
    s.put("yarn.nodemanager.principal", service);
    s.put("yarn.nodemanager.keytab", keytab);
    s.put("mapreduce.jobhistory.principal", service);
    s.put("mapreduce.jobhistory.keytab", keytab);
    s.put("yarn.acl.enable", "true");
    s.put("yarn.admin.acl", "yarn");
    // A queue's administrators may kill any of its applications: by default (and in Hadoop's own
    // capacity-scheduler.xml for the default queue) everyone.
    s.put("yarn.scheduler.capacity.root.acl_administer_queue", " ");
    s.put("yarn.scheduler.capacity.root.default.acl_administer_queue", " ");
    // The RM's web, and so its proxy to the AM, behind SPNEGO.
    s.put("hadoop.http.filter.initializers", "org.apache.hadoop.security.AuthenticationFilterInitializer");
    s.put("hadoop.http.authentication.type", "kerberos");
    s.put("hadoop.http.authentication.kerberos.principal", http);
    s.put("hadoop.http.authentication.kerberos.keytab", keytab);
    s.put("yarn.resourcemanager.webapp.spnego-principal", http);
    s.put("yarn.resourcemanager.webapp.spnego-keytab-file", keytab);
    s.put("yarn.nodemanager.webapp.spnego-principal", http);
    s.put("yarn.nodemanager.webapp.spnego-keytab-file", keytab);
    return s;
  }

  /** The JVM option that points a container at the KDC's krb5.conf. */
  static String krb5Option() {
    return "-Djava.security.krb5.conf=" + System.getProperty("java.security.krb5.conf");
  }

  /** The counter (2 servers, {@code workers} workers, a pause of 150 ms a round), its containers given krb5.conf. */
  static String counterSpec(String name, int workers, int keys, int rounds, String extra) {
    String krb5 = krb5Option();
    return ClusterHarness.withWorkerSettings(ClusterHarness.counterSpec(name, 2, workers, keys, rounds, List.of(krb5))
        .replace("jvmOptions: [\"-XX:TieredStopAtLevel=1\"]", "jvmOptions: [\"-XX:TieredStopAtLevel=1\", \"" + krb5 + "\"]")
        .replace("rounds: " + rounds + "}", "rounds: " + rounds + ", pauseMs: 150}"),
        "restart: {policy: onFailure, backoffSeconds: 0.2}") + extra;
  }

  File keytab(String user) {
    return keytabs.get(user);
  }

  /** {@code user}, logged in from the user's keytab. */
  UserGroupInformation login(String user) throws Exception {
    return UserGroupInformation.loginUserFromKeytabAndReturnUGI(user + "@" + realm, keytab(user).getAbsolutePath());
  }

  /** {@code psyarn args...} as {@code user}, logged in from the user's keytab. */
  ClusterHarness.Run as(String user, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("-D", ClientLogin.PRINCIPAL + "=" + user + "@" + realm,
        "-D", ClientLogin.KEYTAB + "=" + keytab(user).getAbsolutePath()));
    all.addAll(List.of(args));
    return harness.psyarn(all.toArray(String[]::new));
  }

  /**
   * MIT Kerberos' {@code kinit} (Debian's krb5-user), or empty: the ticket-cache checks are then
   * skipped and say so, unless {@code PSYARN_REQUIRE_KINIT=1} (CI sets it, after installing
   * krb5-user) makes a missing kinit a failure.
   */
  static java.util.Optional<String> kinit() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File kinit = new File(dir, "kinit");
      if (kinit.canExecute() && new File(dir, "kdestroy").canExecute()) {
        return java.util.Optional.of(kinit.getPath());
      }
    }
    if ("1".equals(System.getenv("PSYARN_REQUIRE_KINIT"))) {
      org.junit.jupiter.api.Assertions.fail(
          "no kinit on the PATH (apt-get install krb5-user), and PSYARN_REQUIRE_KINIT=1 asks for it");
    }
    System.err.println("SKIPPED the ticket-cache checks: no kinit on the PATH (apt-get install krb5-user)");
    return java.util.Optional.empty();
  }

  /**
   * Runs MIT {@code kinit} (at {@code kinit}) or, with {@code destroy}, its {@code kdestroy} on the
   * ticket cache {@code cache} for {@code user}, against this KDC, as the user would at a shell.
   */
  void ticketCache(String kinit, String user, Path cache, boolean destroy) throws Exception {
    List<String> command = destroy
        ? List.of(new File(new File(kinit).getParentFile(), "kdestroy").getPath(), "-c", cache.toString())
        : List.of(kinit, "-c", cache.toString(), "-k", "-t", keytab(user).getAbsolutePath(), user + "@" + realm);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("KRB5_CONFIG", kdc.getKrb5conf().getAbsolutePath());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), String.join(" ", command) + ": " + output);
  }

  /**
   * {@code psyarn args...} in a client JVM of its own (see {@link ClientJvm}) whose only Kerberos
   * credentials are the ticket cache {@code cache} (KRB5CCNAME), as after a user's kinit.
   */
  ClusterHarness.Run withTicketCache(Path cache, String name, String... args) throws Exception {
    Configuration conf = new Configuration(harness.conf);
    conf.unset(ClientLogin.PRINCIPAL);
    conf.unset(ClientLogin.KEYTAB);
    return ClientJvm.run(harness.work, conf, name, Map.of("KRB5CCNAME", cache.toString()), List.of(krb5Option()),
        args);
  }

  /** Submits {@code yaml} as {@code user} (with {@code defines} as -D KEY=VALUE) and returns the application id. */
  String submitAs(String user, String file, String yaml, String... defines) throws Exception {
    List<String> args = new ArrayList<>();
    for (String d : defines) {
      args.addAll(List.of("-D", d));
    }
    args.addAll(List.of("submit", harness.spec(file, yaml).toString(), "--json"));
    ClusterHarness.Run run = as(user, args.toArray(String[]::new));
    assertEquals(ExitCodes.OK, run.exitCode(), run.err());
    return run.json().path("applicationId").asText();
  }

  /** The job's final status, polled as {@code user}. */
  JsonNode awaitEndAs(String user, String app) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      ClusterHarness.Run status = as(user, "status", app, "--json");
      last = status.out() + status.err();
      if (status.exitCode() == ExitCodes.OK || status.exitCode() == ExitCodes.JOB_FAILED) {
        JsonNode job = status.json().path("job");
        if (!"UNDEFINED".equals(job.path("finalStatus").asText("UNDEFINED"))) {
          return job;
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError(app + " did not end in 300 s: " + last);
  }

  /**
   * Stops the clusters and the KDC, and leaves this JVM's Hadoop security as it found it (the ITs
   * share one JVM: the next class's clusters run without Kerberos).
   */
  @Override
  public void close() {
    harness.close();
    kdc.stop();
    UserGroupInformation.reset();
    Configuration plain = new Configuration();
    plain.set("hadoop.security.authentication", "simple");
    UserGroupInformation.setConfiguration(plain);
  }
}
