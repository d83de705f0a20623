package dev.psyarn.ps.container;

import dev.psyarn.ps.transport.AppSecret;
import dev.psyarn.ps.transport.TlsIdentity;
import java.io.File;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;

/**
 * Reads the application secret from the credentials YARN gave this container: the token file
 * named by {@code HADOOP_TOKEN_FILE_LOCATION}, read directly (a UGI login costs a container JVM
 * most of a second), or the current user's credentials where there is no such file.
 */
public final class ContainerSecret {

  private ContainerSecret() {}

  public static AppSecret read() throws IOException {
    String tokenFile = System.getenv(UserGroupInformation.HADOOP_TOKEN_FILE_LOCATION);
    Credentials credentials = tokenFile != null && new File(tokenFile).isFile()
        ? Credentials.readTokenStorageFile(new File(tokenFile), new Configuration(false))
        : UserGroupInformation.getCurrentUser().getCredentials();
    return from(credentials);
  }

  /**
   * The application secret in {@code credentials}, with the application's TLS identity when the
   * job has TLS on (its key, certificate chain and CA under {@link TlsIdentity}'s aliases).
   */
  public static AppSecret from(Credentials credentials) throws IOException {
    byte[] key = credentials.getSecretKey(new Text(AppSecret.ALIAS));
    if (key == null) {
      throw new IOException("no application secret in this process's credentials (alias "
          + AppSecret.ALIAS + "): was it launched by psyarn?");
    }
    AppSecret secret = AppSecret.of(key);
    byte[] trust = credentials.getSecretKey(new Text(TlsIdentity.TRUST_ALIAS));
    if (trust == null) {
      return secret;
    }
    try {
      return secret.withTls(TlsIdentity.decode(credentials.getSecretKey(new Text(TlsIdentity.KEY_ALIAS)),
          credentials.getSecretKey(new Text(TlsIdentity.CHAIN_ALIAS)), trust));
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("the application's TLS key or certificates in this process's credentials do not decode: "
          + e.getMessage(), e);
    }
  }

  /** Puts a TLS identity into credentials, for {@link #from} to find. */
  public static void addTls(Credentials credentials, TlsIdentity tls) throws IOException {
    try {
      credentials.addSecretKey(new Text(TlsIdentity.TRUST_ALIAS), tls.encodedTrust());
      if (tls.hasKey()) {
        credentials.addSecretKey(new Text(TlsIdentity.KEY_ALIAS), tls.encodedKey());
        credentials.addSecretKey(new Text(TlsIdentity.CHAIN_ALIAS), tls.encodedChain());
      }
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IOException("cannot encode the application's TLS certificates: " + e.getMessage(), e);
    }
  }
}
