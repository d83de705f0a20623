package dev.psyarn.am;

import dev.psyarn.client.JobTokens;
import dev.psyarn.spec.JobSpec;
import java.io.File;
import java.io.IOException;
import java.security.PrivilegedExceptionAction;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.security.token.Token;
import org.apache.hadoop.security.token.delegation.AbstractDelegationTokenIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a job's delegation tokens valid for as long as it runs, as Spark's AM does with a keytab:
 * when the client shipped the user's keytab ({@value AmEnv#KEYTAB}, principal in
 * {@value AmEnv#PRINCIPAL_ENV}), the AM logs in from it as it starts and then at {@value #FRACTION}
 * of the earliest token's remaining life, gets new tokens for every file system the spec names, uses them itself, launches
 * new containers with them, and hands them to the running containers with their next heartbeat
 * ({@code publish}). Without a keytab the tokens live as long as the ResourceManager renews them
 * ({@code dfs.namenode.delegation.token.max-lifetime}, 7 days by default).
 */
final class TokenRefresher implements AutoCloseable {

  static final double FRACTION = 0.75;
  private static final Logger LOG = LoggerFactory.getLogger(TokenRefresher.class);

  private final Configuration conf;
  private final String principal;
  private final java.util.List<Path> paths;
  private final Consumer<Credentials> publish;
  private final java.time.Clock clock;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "token refresher");
    t.setDaemon(true);
    return t;
  });
  private volatile int renewals;

  TokenRefresher(Configuration conf, String principal, java.util.List<Path> paths,
      Consumer<Credentials> publish, java.time.Clock clock) {
    this.conf = conf;
    this.principal = principal;
    this.paths = paths;
    this.publish = publish;
    this.clock = clock;
  }

  /**
   * The principal of the keytab the client shipped to this AM ({@value AmEnv#KEYTAB} in its working
   * directory), on a Kerberos cluster; empty otherwise.
   */
  static Optional<String> shippedKeytabPrincipal() {
    String principal = System.getenv(AmEnv.PRINCIPAL_ENV);
    return UserGroupInformation.isSecurityEnabled() && principal != null && !principal.isEmpty()
        && new File(AmEnv.KEYTAB).isFile() ? Optional.of(principal) : Optional.empty();
  }

  /** {@code principal} logged in afresh from the shipped keytab (the process's login user stays as it is). */
  static UserGroupInformation loginFromShippedKeytab(String principal) throws IOException {
    return UserGroupInformation.loginUserFromKeytabAndReturnUGI(principal, new File(AmEnv.KEYTAB).getAbsolutePath());
  }

  /** A refresher if the cluster is secure and the client shipped a keytab; started. */
  static Optional<TokenRefresher> start(Configuration conf, JobSpec spec, Path staging, Consumer<Credentials> publish)
      throws IOException {
    Optional<String> shipped = shippedKeytabPrincipal();
    if (shipped.isEmpty()) {
      if (UserGroupInformation.isSecurityEnabled()) {
        LOG.info("no keytab was given: the job's delegation tokens last as long as the ResourceManager renews them");
      }
      return Optional.empty();
    }
    String principal = shipped.get();
    TokenRefresher refresher = new TokenRefresher(conf, principal, JobTokens.namedPaths(spec, staging),
        publish, java.time.Clock.systemUTC());
    // At once, before any container is launched (as Spark's AM does with a keytab): the tokens the
    // client got have aged by the time the AM runs, and a container launched with them near their
    // end would find them expired when it first reads from the file system.
    LOG.info("renewing the job's delegation tokens from the keytab of {}: now, then at {}% of their life",
        principal, Math.round(FRACTION * 100));
    refresher.refreshAndReschedule();
    return Optional.of(refresher);
  }

  private void schedule(long delayMs) {
    timer.schedule(this::refreshAndReschedule, delayMs, TimeUnit.MILLISECONDS);
  }

  private void refreshAndReschedule() {
    try {
      Credentials fresh = refresh();
      publish.accept(fresh);
      renewals++;
      long delay = delayMs(fresh);
      LOG.info("renewed the job's delegation tokens ({} tokens, renewal {}); next in {} s", fresh.numberOfTokens(),
          renewals, delay / 1000);
      schedule(delay);
    } catch (Exception e) {
      long retry = Math.max(1000, delayMs(currentCredentials()) / 10);
      LOG.error("cannot renew the job's delegation tokens from the keytab of {}; trying again in {} s", principal,
          retry / 1000, e);
      schedule(retry);
    }
  }

  /** Logs in from the keytab and gets new tokens for every file system; the AM's own user gets them too. */
  Credentials refresh() throws IOException, InterruptedException {
    UserGroupInformation keytabUser = loginFromShippedKeytab(principal);
    Credentials fresh = new Credentials();
    keytabUser.doAs((PrivilegedExceptionAction<Void>) () -> {
      Set<java.net.URI> seen = new HashSet<>();
      for (Path path : paths) {
        FileSystem fs = path.getFileSystem(conf);
        if (seen.add(fs.getUri())) {
          // The AM renews these itself (renewer: the user), so it learns when each expires.
          fs.addDelegationTokens(keytabUser.getShortUserName(), fresh);
        }
      }
      for (Token<?> token : fresh.getAllTokens()) {
        try {
          expiries.put(token.getService().toString(), token.renew(conf));
        } catch (IOException | RuntimeException e) {
          // A token the user cannot renew (another renewer, a kind without a renewer): its max date stands.
          LOG.info("cannot renew the new {} token for {} to learn when it expires ({}); going by its max date",
              token.getKind(), token.getService(), e.toString());
        }
      }
      return null;
    });
    UserGroupInformation.getCurrentUser().addCredentials(fresh);
    return fresh;
  }

  /** When each token's current renewal runs out (from renewing it once), by service. */
  private final java.util.Map<String, Long> expiries = new java.util.concurrent.ConcurrentHashMap<>();

  /** {@value #FRACTION} of the time left to the earliest expiry (renewal or end of life) of these tokens. */
  long delayMs(Credentials credentials) {
    long now = clock.millis();
    long earliest = Long.MAX_VALUE;
    for (Token<?> token : credentials.getAllTokens()) {
      try {
        if (token.decodeIdentifier() instanceof AbstractDelegationTokenIdentifier id) {
          earliest = Math.min(earliest, id.getMaxDate());
          Long renewalEnds = expiries.get(token.getService().toString());
          if (renewalEnds != null) {
            earliest = Math.min(earliest, renewalEnds);
          }
        }
      } catch (IOException e) {
        LOG.debug("a token whose identifier does not decode: {}", token.getKind());
      }
    }
    if (earliest == Long.MAX_VALUE) {
      return TimeUnit.HOURS.toMillis(1);
    }
    return Math.max(1000, (long) (FRACTION * (earliest - now)));
  }

  private static Credentials currentCredentials() {
    try {
      return UserGroupInformation.getCurrentUser().getCredentials();
    } catch (IOException e) {
      return new Credentials();
    }
  }

  int renewals() {
    return renewals;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
