package dev.psyarn.ps.container;

import dev.psyarn.ps.transport.AppSecret;
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
    byte[] key = credentials.getSecretKey(new Text(AppSecret.ALIAS));
    if (key == null) {
      throw new IOException("no application secret in this process's credentials (alias "
          + AppSecret.ALIAS + "): was it launched by psyarn?");
    }
    return AppSecret.of(key);
  }
}
