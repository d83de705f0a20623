package dev.psyarn.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.psyarn.ps.apps.AppTypes;
import dev.psyarn.runtime.ResourceAsk;
import dev.psyarn.specs.SpecException;
import dev.psyarn.specs.SpecNode;
import java.util.EnumMap;
import java.util.Map;

/**
 * Reads a YAML job spec into a {@link JobSpec}. Every error is a {@link SpecException} naming the
 * field path; unknown fields and duplicate keys are errors.
 */
public final class JobSpecParser {

  static final int MIN_MEMORY_MB = 64;
  static final int MAX_MEMORY_MB = 1024 * 1024;

  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
  private static final ObjectMapper JSON = new ObjectMapper();

  private JobSpecParser() {}

  /** Parses the text of a spec. */
  public static JobSpec parse(String yaml) {
    JsonNode tree;
    try {
      tree = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new SpecException("", "not valid YAML" + where + ": " + e.getOriginalMessage());
    }
    return read(SpecNode.root(tree));
  }

  private static JobSpec read(SpecNode root) {
    root.allowOnly("name", "queue", "tags", "priority", "maxAppAttempts", "am", "roles", "app");
    String name = root.text("name");
    if (name.length() > 256) {
      throw root.error("name", "must be at most 256 characters");
    }
    ResourceAsk am = root.optionalObject("am").map(node -> {
      node.allowOnly("memory", "vcores");
      return new ResourceAsk(node.memoryMb("memory", 512, MIN_MEMORY_MB, MAX_MEMORY_MB),
          node.integerOr("vcores", 1, 1, 1024));
    }).orElse(new ResourceAsk(512, 1));
    SpecNode roles = root.object("roles");
    roles.allowOnly(java.util.Arrays.stream(Role.values()).map(Role::specName).toArray(String[]::new));
    Map<Role, RoleSpec> roleSpecs = new EnumMap<>(Role.class);
    for (Role role : Role.values()) {
      roleSpecs.put(role, readRole(roles.object(role.specName())));
    }
    SpecNode app = root.object("app");
    String appType = AppTypes.validated(app).name();
    try {
      return new JobSpec(
          name,
          root.textOr("queue", "default"),
          root.stringList("tags"),
          root.integerOr("priority", 0, 0, 10_000),
          root.integerOr("maxAppAttempts", 1, 1, 100),
          am,
          roleSpecs,
          appType,
          JSON.writeValueAsString(app.json()));
    } catch (JsonProcessingException e) {
      throw new SpecException("app", "cannot be written as JSON: " + e.getOriginalMessage());
    }
  }

  private static RoleSpec readRole(SpecNode node) {
    node.allowOnly("instances", "memory", "vcores", "jvmOptions", "env");
    Map<String, String> env = node.stringMap("env");
    for (String key : env.keySet()) {
      if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw node.error("env." + key, "not a valid environment variable name");
      }
      if (key.startsWith("PSYARN_") || key.equals("CLASSPATH") || key.equals("JAVA_HOME")) {
        throw node.error("env." + key, "is set by psyarn itself and cannot be overridden");
      }
    }
    return new RoleSpec(
        node.integer("instances", 1, 10_000),
        new ResourceAsk(node.memoryMb("memory", 512, MIN_MEMORY_MB, MAX_MEMORY_MB),
            node.integerOr("vcores", 1, 1, 1024)),
        node.stringList("jvmOptions"),
        env);
  }
}
