package dev.psyarn.ps.container;

import dev.psyarn.ps.transport.AppSecret;
import java.io.IOException;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.security.UserGroupInformation;

/** Reads the application secret from the credentials YARN gave this process. */
public final class ContainerSecret {

  private ContainerSecret() {}

  public static AppSecret read() throws IOException {
    byte[] key = UserGroupInformation.getCurrentUser().getCredentials()
        .getSecretKey(new Text(AppSecret.ALIAS));
    if (key == null) {
      throw new IOException("no application secret in this process's credentials (alias "
          + AppSecret.ALIAS + "): was it launched by psyarn?");
    }
    return AppSecret.of(key);
  }
}
