package dev.psyarn.ps.container;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.TreeSet;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delegation tokens the AM renewed (it holds the user's keytab), as they travel on the control
 * plane: Hadoop's token storage format, tokens only (the application's secret keys never travel
 * again). A container adds them to its user, so that its next connections to the file systems
 * (checkpoints, shards) authenticate with tokens that have not expired.
 */
public final class RenewedTokens {

  private static final Logger LOG = LoggerFactory.getLogger(RenewedTokens.class);

  private RenewedTokens() {}

  /** The tokens of {@code credentials}, without its secret keys, in storage format. */
  public static byte[] encode(Credentials credentials) throws IOException {
    Credentials tokens = new Credentials();
    credentials.getTokenMap().forEach(tokens::addToken);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      tokens.writeTokenStorageToStream(out);
    }
    return bytes.toByteArray();
  }

  /** Reads tokens written by {@link #encode}. */
  public static Credentials decode(byte[] bytes) throws IOException {
    Credentials credentials = new Credentials();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      credentials.readTokenStorageStream(in);
    }
    return credentials;
  }

  /** Adds the tokens to this process's user (a token of the same service replaces the old one). */
  public static void apply(byte[] bytes) {
    try {
      Credentials renewed = decode(bytes);
      UserGroupInformation.getCurrentUser().addCredentials(renewed);
      TreeSet<String> kinds = new TreeSet<>();
      renewed.getAllTokens().forEach(t -> kinds.add(t.getKind() + " for " + t.getService()));
      LOG.info("the AM renewed this job's delegation tokens: {}", kinds);
    } catch (IOException e) {
      LOG.error("cannot read the delegation tokens the AM sent; keeping the ones held", e);
    }
  }
}
