package dev.psyarn.client;

import dev.psyarn.am.AmEnv;
import dev.psyarn.ps.transport.AppSecret;
import dev.psyarn.ps.transport.RpcClient;
import dev.psyarn.ps.wire.Protocols;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.AccessControlException;
import org.apache.hadoop.yarn.api.records.ApplicationReport;

/**
 * The owner's line to a running job's AM: its control plane, authenticated with the application
 * secret that only the owner can read from the staging directory (mode 600 in a 700 directory), so
 * only the owner (and the file system's superusers) can kill or flex the job this way.
 */
public final class AmControl {

  private AmControl() {}

  /** Why the AM cannot be asked, as a sentence for the user. */
  public static final class Unreachable extends IOException {
    Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The AM answered that it will not do it (the sentence says why). */
  public static final class Refused extends IOException {
    Refused(String message) {
      super(message);
    }
  }

  /** Sends {@code request} to the job's AM and returns its answer. */
  public static Object call(Configuration conf, ApplicationReport app, Object request, Duration timeout)
      throws IOException {
    if (app.getRpcPort() <= 0 || app.getHost() == null || app.getHost().equals("N/A")) {
      throw new Unreachable(app.getApplicationId() + " has no running ApplicationMaster ("
          + app.getYarnApplicationState() + ")", null);
    }
    AppSecret secret = secret(conf, app);
    try (RpcClient am = RpcClient.connect(new InetSocketAddress(app.getHost(), app.getRpcPort()), secret,
        Protocols.CONTROL, timeout)) {
      return am.call(request).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof dev.psyarn.ps.transport.RemoteException refusal) {
        throw new Refused("the ApplicationMaster refused: " + refusal.getMessage());
      }
      throw new Unreachable("the ApplicationMaster did not answer: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new Unreachable("the ApplicationMaster did not answer within " + timeout.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new Unreachable("cannot reach the ApplicationMaster at " + app.getHost() + ":" + app.getRpcPort() + ": "
          + e.getMessage(), e);
    }
  }

  private static AppSecret secret(Configuration conf, ApplicationReport app) throws IOException {
    FileSystem fs = FileSystem.get(conf);
    Path file = new Path(StagingDir.ownerOnly(StagingDir.of(conf, fs, app.getUser(),
        app.getApplicationId().toString())), AmEnv.SECRET);
    try (InputStream in = fs.open(file)) {
      AppSecret secret = AppSecret.of(in.readAllBytes());
      Path certificate = new Path(file.getParent(), AmEnv.TLS_CERTIFICATE);
      if (fs.exists(certificate)) {
        try (InputStream cert = fs.open(certificate)) {
          secret = secret.withTls(dev.psyarn.ps.transport.TlsIdentity.decode(null, null, cert.readAllBytes()));
        } catch (java.security.GeneralSecurityException e) {
          throw new IOException("the application's certificate at " + certificate + " does not decode: "
              + e.getMessage(), e);
        }
      }
      return secret;
    } catch (AccessControlException e) {
      throw new AccessControlException("only the owner of " + app.getApplicationId() + " (" + app.getUser()
          + ") can do this: " + file + " is not readable by you");
    } catch (FileNotFoundException e) {
      throw new Unreachable("no application secret at " + file + " (submitted by another version, or its staging "
          + "directory is gone)", e);
    }
  }
}
