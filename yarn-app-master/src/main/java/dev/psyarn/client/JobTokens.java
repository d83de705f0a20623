package dev.psyarn.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.Role;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.token.Token;
import org.apache.hadoop.yarn.client.ClientRMProxy;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.apache.hadoop.yarn.util.ConverterUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delegation tokens a job needs on a Kerberos cluster, got at submission as the submitting
 * user and handed to the AM (which hands them to every container): one for each file system the
 * spec names (its preprocessing input and output, checkpoints, app jars, volumes, any
 * {@code scheme://} path in the app's section, the staging directory), renewed by the
 * ResourceManager; and, for a spec that preprocesses, one for the ResourceManager itself, with
 * which the AM submits the MapReduce jobs as the user.
 */
public final class JobTokens {

  private static final Logger LOG = LoggerFactory.getLogger(JobTokens.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Schemes in the app's section that are not Hadoop file systems a token could be got for. */
  private static final Set<String> NOT_FILE_SYSTEMS = Set.of("file", "http", "https");

  private JobTokens() {}

  /** Adds the job's tokens to {@code credentials}; the renewer is the ResourceManager. */
  static void obtain(Configuration conf, YarnClient yarn, JobSpec spec, Path staging, Credentials credentials)
      throws IOException, YarnException {
    String renewer = org.apache.hadoop.yarn.client.util.YarnClientUtils.getRmPrincipal(conf);
    if (renewer == null || renewer.isEmpty()) {
      throw new IOException("the cluster uses Kerberos but " + org.apache.hadoop.yarn.conf.YarnConfiguration.RM_PRINCIPAL
          + " is not set: cannot get delegation tokens the ResourceManager can renew");
    }
    Set<URI> fileSystems = new LinkedHashSet<>();
    for (Path path : namedPaths(spec, staging)) {
      FileSystem fs = path.getFileSystem(conf);
      if (fileSystems.add(fs.getUri())) {
        Token<?>[] got = fs.addDelegationTokens(renewer, credentials);
        LOG.info("delegation tokens for {}: {}", fs.getUri(), got == null || got.length == 0 ? "already held"
            : got.length + " (" + got[0].getKind() + ")");
      }
    }
    if (spec.preprocesses()) {
      org.apache.hadoop.yarn.api.records.Token rm = yarn.getRMDelegationToken(new Text(renewer));
      Text service = ClientRMProxy.getRMDelegationTokenService(conf);
      credentials.addToken(service, ConverterUtils.convertFromYarn(rm, service));
      LOG.info("a ResourceManager delegation token for the AM's MapReduce jobs");
      historyServerToken(conf, renewer, credentials);
    }
  }

  /**
   * A JobHistory server token, where the cluster names one: MapReduce's client asks the history
   * server for a job's counters once the job is done (and for a token at submission, which the AM,
   * holding tokens alone, could not get), as {@code YARNRunner} does for a Kerberos submitter.
   */
  private static void historyServerToken(Configuration conf, String renewer, Credentials credentials)
      throws IOException, YarnException {
    String address = conf.getTrimmed(org.apache.hadoop.mapreduce.v2.jobhistory.JHAdminConfig.MR_HISTORY_ADDRESS, "");
    if (address.isEmpty()) {
      return;
    }
    java.net.InetSocketAddress history = org.apache.hadoop.net.NetUtils.createSocketAddr(address,
        org.apache.hadoop.mapreduce.v2.jobhistory.JHAdminConfig.DEFAULT_MR_HISTORY_PORT,
        org.apache.hadoop.mapreduce.v2.jobhistory.JHAdminConfig.MR_HISTORY_ADDRESS);
    org.apache.hadoop.mapreduce.v2.api.MRClientProtocol proxy = (org.apache.hadoop.mapreduce.v2.api.MRClientProtocol)
        org.apache.hadoop.yarn.ipc.YarnRPC.create(conf).getProxy(
            org.apache.hadoop.mapreduce.v2.api.HSClientProtocol.class, history, conf);
    try {
      org.apache.hadoop.mapreduce.v2.api.protocolrecords.GetDelegationTokenRequest request =
          org.apache.hadoop.yarn.util.Records.newRecord(
              org.apache.hadoop.mapreduce.v2.api.protocolrecords.GetDelegationTokenRequest.class);
      request.setRenewer(renewer);
      Token<?> token = ConverterUtils.convertFromYarn(proxy.getDelegationToken(request).getDelegationToken(), history);
      credentials.addToken(token.getService(), token);
      LOG.info("a JobHistory server delegation token ({}) for the AM's MapReduce jobs", token.getService());
    } finally {
      org.apache.hadoop.ipc.RPC.stopProxy(proxy);
    }
  }

  /** Every path the spec names, on whatever file system (the staging directory first). */
  public static List<Path> namedPaths(JobSpec spec, Path staging) throws IOException {
    List<String> named = new ArrayList<>();
    if (spec.preprocesses()) {
      named.add(spec.preprocess().input());
      named.add(spec.preprocess().output());
    }
    named.add(spec.serverState().dir());
    named.add(spec.serverState().resumeFrom());
    named.addAll(spec.appJars());
    for (Role role : Role.values()) {
      spec.role(role).volumes().forEach(v -> named.add(v.source()));
    }
    if (spec.appJson() != null) {
      collectUris(JSON.readTree(spec.appJson()), named);
    }
    List<Path> paths = new ArrayList<>();
    paths.add(staging);
    for (String given : named) {
      if (given != null && !given.isBlank()) {
        paths.add(new Path(given));
      }
    }
    return paths;
  }

  private static void collectUris(JsonNode node, List<String> out) {
    if (node.isTextual()) {
      String text = node.asText();
      int colon = text.indexOf("://");
      if (colon > 0 && text.substring(0, colon).matches("[a-zA-Z][a-zA-Z0-9+.-]*")
          && !NOT_FILE_SYSTEMS.contains(text.substring(0, colon).toLowerCase(java.util.Locale.ROOT))) {
        out.add(text);
      }
    }
    node.forEach(child -> collectUris(child, out));
  }
}
