package dev.psyarn.cli;

import dev.psyarn.client.AmControl;
import dev.psyarn.ps.wire.ControlMessages.Flex;
import dev.psyarn.ps.wire.ControlMessages.FlexReply;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Grows or shrinks the servers or the workers of a running job, through its AM's control plane
 * with the owner's application secret (only the owner can). Servers: the keys whose owner changes
 * move to the new layout while the workers pause. Workers: the job's app must hand its work out in
 * pieces.
 */
@Command(name = "flex", description = "Grow or shrink the servers of a running job (keys move to the new layout), "
    + "or its workers (its app must hand out pieces).")
final class FlexCommand implements Callable<Integer> {

  private final CliContext ctx;

  @Parameters(paramLabel = "APP_ID", description = "The application id.")
  String appId;

  @Option(names = "--role", required = true, description = "The role to flex: server (any job; keys move to the new layout) or worker (a job whose app hands out pieces).")
  String role;

  @Option(names = "--instances", required = true, description = "How many containers of the role from now on.")
  int instances;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Mixin
  CliContext.Defines defines = new CliContext.Defines();

  FlexCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    Configuration conf = new Configuration(ctx.conf);
    defines.applyTo(conf);
    ApplicationId id = YarnCommands.appId(appId);
    ApplicationReport report = YarnCommands.withYarn(conf, yarn -> yarn.getApplicationReport(id));
    FlexReply reply;
    try {
      reply = (FlexReply) AmControl.call(conf, report, new Flex(role, instances,
          UserGroupInformation.getCurrentUser().getShortUserName()), Duration.ofSeconds(30));
    } catch (AmControl.Refused e) {
      ctx.err.println("psyarn: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("applicationId", id.toString());
    result.put("role", reply.role());
    result.put("desired", reply.desired());
    result.put("running", reply.running());
    if (json) {
      ctx.printJson(result);
    } else {
      ctx.out.println(id + " " + reply.role() + ": " + reply.desired() + " desired, " + reply.running() + " running");
    }
    return ExitCodes.OK;
  }
}
