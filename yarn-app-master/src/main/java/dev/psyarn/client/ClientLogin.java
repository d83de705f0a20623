package dev.psyarn.client;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.security.PrivilegedExceptionAction;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.security.AccessControlException;
import org.apache.hadoop.security.UserGroupInformation;

/**
 * Who the client acts as on a secure cluster: the principal of a keytab ({@value #PRINCIPAL} and
 * {@value #KEYTAB}, as Spark's {@code --principal}/{@code --keytab}), else the user's own
 * Kerberos ticket cache ({@code kinit}), else the delegation tokens a launcher gave the process.
 * A user with none of these is refused before anything is asked of the cluster. On a cluster
 * without security this is the current user, unchanged.
 */
public final class ClientLogin {

  /** The Kerberos principal to log in as from {@link #KEYTAB}; also given to the AM to renew tokens with. */
  public static final String PRINCIPAL = "psyarn.kerberos.principal";
  /** A keytab file of {@link #PRINCIPAL} on the local file system. */
  public static final String KEYTAB = "psyarn.kerberos.keytab";

  private ClientLogin() {}

  /** Something done as the logged-in user. */
  public interface Action<T> {
    T run() throws Exception;
  }

  /**
   * Runs {@code action} as the user {@code conf} names (see the class comment).
   *
   * @throws AccessControlException if the cluster is secure and the user has no credentials
   * @throws IllegalArgumentException if the principal or keytab setting is wrong (the user's to fix)
   */
  public static <T> T run(Configuration conf, Action<T> action) throws Exception {
    UserGroupInformation user = user(conf);
    try {
      return user.doAs((PrivilegedExceptionAction<T>) action::run);
    } catch (UndeclaredThrowableException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /** The user to act as; refuses one without credentials on a secure cluster. */
  public static UserGroupInformation user(Configuration conf) throws IOException {
    String principal = conf.getTrimmed(PRINCIPAL, "");
    String keytab = conf.getTrimmed(KEYTAB, "");
    if (principal.isEmpty() != keytab.isEmpty()) {
      throw new IllegalArgumentException(PRINCIPAL + " and " + KEYTAB + " go together: "
          + (principal.isEmpty() ? "give the keytab's principal too" : "give the principal's keytab too"));
    }
    if ("kerberos".equalsIgnoreCase(conf.get("hadoop.security.authentication"))
        && !UserGroupInformation.isSecurityEnabled()) {
      UserGroupInformation.setConfiguration(conf);
    }
    if (!keytab.isEmpty()) {
      File file = new File(keytab);
      if (!file.isFile() || !file.canRead()) {
        throw new IllegalArgumentException(KEYTAB + ": " + keytab + (file.exists() ? " cannot be read by "
            + System.getProperty("user.name") : " does not exist") + "; give a keytab of " + principal);
      }
      if (!UserGroupInformation.isSecurityEnabled()) {
        throw new IllegalArgumentException(KEYTAB + " is set but the cluster does not use Kerberos "
            + "(hadoop.security.authentication is " + conf.get("hadoop.security.authentication", "simple") + ")");
      }
      try {
        return UserGroupInformation.loginUserFromKeytabAndReturnUGI(principal, file.getAbsolutePath());
      } catch (IOException e) {
        throw new AccessControlException("cannot log in as " + principal + " from the keytab " + keytab + ": "
            + e.getMessage());
      }
    }
    UserGroupInformation current = UserGroupInformation.getCurrentUser();
    if (UserGroupInformation.isSecurityEnabled() && !current.hasKerberosCredentials()
        && current.getCredentials().numberOfTokens() == 0) {
      throw new AccessControlException("the cluster uses Kerberos and " + current.getUserName()
          + " has no Kerberos ticket: run kinit, or give a keytab with -D " + PRINCIPAL + "=... -D " + KEYTAB
          + "=...; nothing was asked of the cluster");
    }
    return current;
  }
}
