package dev.psyarn.cli;

import dev.psyarn.spec.Role;
import dev.psyarn.specs.SpecException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "validate", description = "Check a job spec without submitting it.")
final class ValidateCommand implements Callable<Integer> {

  private final CliContext ctx;

  @Parameters(paramLabel = "JOB.yaml", description = "The job spec.")
  String specFile;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  ValidateCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws java.io.IOException {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("file", CliContext.userPath(specFile).toString());
    try {
      SpecFile spec = SpecFile.read(specFile, ctx.conf);
      dev.psyarn.client.SpecInputs.check(spec.spec(), ctx.conf);
      result.put("valid", true);
      result.put("name", spec.spec().name());
      result.put("servers", spec.spec().role(Role.SERVER).instances());
      result.put("workers", spec.spec().role(Role.WORKER).instances());
      result.put("app", spec.spec().appType());
      if (json) {
        ctx.printJson(result);
      } else {
        ctx.out.println(result.get("file") + ": valid (" + result.get("servers") + " servers, "
            + result.get("workers") + " workers, app " + result.get("app") + ")");
      }
      return ExitCodes.OK;
    } catch (SpecException e) {
      if (!json) {
        throw e;
      }
      result.put("valid", false);
      result.put("field", e.field());
      result.put("error", e.getMessage());
      result.put("errors", e.all().stream().map(one -> Map.of("field", one.field(), "error", one.getMessage())).toList());
      ctx.printJson(result);
      return ExitCodes.INVALID_SPEC;
    }
  }
}
