package dev.psyarn.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.psyarn.mapreduce.preprocess.PreprocessSpec;
import dev.psyarn.ps.api.Applications;
import dev.psyarn.ps.api.ConfiguredApp;
import dev.psyarn.runtime.JvmProfile;
import dev.psyarn.runtime.ResourceAsk;
import dev.psyarn.runtime.RuntimeSpec;
import dev.psyarn.runtime.Volume;
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
  /** Failures on one node before the AM stops placing containers there. */
  static final int DEFAULT_MAX_FAILURES_PER_NODE = 3;

  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
  private static final ObjectMapper JSON = new ObjectMapper();

  private JobSpecParser() {}

  /** Parses the text of a spec whose app is psyarn's own (or on psyarn's classpath). */
  public static JobSpec parse(String yaml) {
    return parse(yaml, JobSpecParser.class.getClassLoader());
  }

  /** Parses the text of a spec, finding its app in {@code appLoader} (which has the jars of {@code app.jars}). */
  public static JobSpec parse(String yaml, ClassLoader appLoader) {
    return read(SpecNode.root(tree(yaml)), appLoader);
  }

  /**
   * The jars a spec's {@code app.jars} names, as written (before {@link #normalize}) or made
   * absolute (after); a spec error names the entry that is not a jar path.
   */
  public static java.util.List<String> appJars(String yaml) {
    return jarsOf(tree(yaml).path("app").path("jars"));
  }

  private static java.util.List<String> jarsOf(JsonNode jars) {
    if (jars.isMissingNode() || jars.isNull()) {
      return java.util.List.of();
    }
    if (!jars.isArray()) {
      throw new SpecException("app.jars", "must be a list of jar paths (such as [hdfs:///apps/my-app.jar])");
    }
    java.util.List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < jars.size(); i++) {
      JsonNode jar = jars.get(i);
      if (!jar.isTextual() || jar.asText().isBlank()) {
        throw new SpecException("app.jars[" + i + "]", "must be the path of a jar (such as hdfs:///apps/my-app.jar)");
      }
      out.add(jar.asText());
    }
    return out;
  }

  /**
   * The spec as it is staged for the cluster: the same fields, with the app's relative paths (its
   * jars', and those its app resolves) made absolute against {@code base} (the spec file's
   * directory). Checks the spec first.
   */
  public static String normalize(String yaml, java.net.URI base) {
    return normalize(yaml, base, JobSpecParser.class.getClassLoader());
  }

  /** {@link #normalize(String, java.net.URI)} for a spec whose app is found in {@code appLoader}. */
  public static String normalize(String yaml, java.net.URI base, ClassLoader appLoader) {
    JobSpec spec = parse(yaml, appLoader);
    JsonNode tree = tree(yaml);
    JsonNode app = tree.get("app");
    spec.app().app().resolvePaths((com.fasterxml.jackson.databind.node.ObjectNode) app, base);
    if (app.get("jars") instanceof com.fasterxml.jackson.databind.node.ArrayNode jars) {
      for (int i = 0; i < jars.size(); i++) {
        com.fasterxml.jackson.databind.node.ObjectNode one = JSON.createObjectNode().put("jar", jars.get(i).asText());
        dev.psyarn.specs.SpecPaths.resolve(one, base, "jar");
        jars.set(i, one.get("jar"));
      }
    }
    if (tree.get("preprocess") instanceof com.fasterxml.jackson.databind.node.ObjectNode section) {
      PreprocessSpec.resolvePaths(section, base);
    }
    if (tree.get("roles") instanceof com.fasterxml.jackson.databind.node.ObjectNode roles) {
      roles.elements().forEachRemaining(role -> {
        if (role.get("localize") instanceof com.fasterxml.jackson.databind.node.ArrayNode volumes) {
          for (JsonNode v : volumes) {
            if (v instanceof com.fasterxml.jackson.databind.node.ObjectNode volume) {
              dev.psyarn.specs.SpecPaths.resolve(volume, base, "source");
            }
          }
        }
      });
    }
    try {
      return YAML.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new SpecException("", "cannot be written back as YAML: " + e.getOriginalMessage());
    }
  }

  private static JsonNode tree(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new SpecException("", "not valid YAML" + where + ": " + e.getOriginalMessage());
    }
  }

  /**
   * Reads each part of the spec on its own, so that one run reports every error of a spec (a
   * part that depends on another that failed is not checked: its errors would be the other's).
   */
  private static JobSpec read(SpecNode root, ClassLoader appLoader) {
    Errors errors = new Errors();
    errors.run(() -> root.allowOnly("name", "queue", "tags", "priority", "maxAppAttempts", "am", "roles",
        "partitioning", "preprocess", "app", "blacklist", "checkpoint", "resumeFrom", "replication", "security"));
    Boolean tls = errors.get(() -> root.optionalObject("security").map(node -> {
      node.allowOnly("tls");
      return node.has("tls") ? node.bool("tls", false) : null;
    }).orElse(null), null);
    String name = errors.get(() -> {
      String n = root.text("name");
      if (n.length() > 256) {
        throw root.error("name", "must be at most 256 characters");
      }
      return n;
    }, "");
    String queue = errors.get(() -> root.textOr("queue", "default"), "default");
    java.util.List<String> tags = errors.get(() -> root.stringList("tags"), java.util.List.of());
    int priority = errors.get(() -> root.integerOr("priority", 0, 0, 10_000), 0);
    int maxAppAttempts = errors.get(() -> root.integerOr("maxAppAttempts", 1, 1, 100), 1);
    String amNodeLabel = errors.get(() -> root.optionalObject("am").filter(node -> node.has("nodeLabel"))
        .map(node -> Placement.label(node, "nodeLabel")).orElse(null), null);
    int maxFailuresPerNode = errors.get(() -> root.optionalObject("blacklist").map(node -> {
      node.allowOnly("maxFailuresPerNode");
      return node.integerOr("maxFailuresPerNode", DEFAULT_MAX_FAILURES_PER_NODE, 0, 1000);
    }).orElse(DEFAULT_MAX_FAILURES_PER_NODE), DEFAULT_MAX_FAILURES_PER_NODE);
    // The AM's profile when the spec names one; else decided below (peak where the AM may run map tasks).
    JvmProfile namedAmProfile = errors.get(() -> root.optionalObject("am").filter(node -> node.has("jvmProfile"))
        .map(JobSpecParser::jvmProfile).orElse(null), JvmProfile.QUICK);
    ResourceAsk am = errors.get(() -> root.optionalObject("am").map(node -> {
      node.allowOnly("memory", "vcores", "nodeLabel", "jvmProfile");
      return new ResourceAsk(node.memoryMb("memory", 512, MIN_MEMORY_MB, MAX_MEMORY_MB),
          node.integerOr("vcores", 1, 1, 1024));
    }).orElse(new ResourceAsk(512, 1)), new ResourceAsk(512, 1));
    SpecNode roles = errors.get(() -> {
      SpecNode r = root.object("roles");
      r.allowOnly(java.util.Arrays.stream(Role.values()).map(Role::specName).toArray(String[]::new));
      return r;
    }, null);
    ServerState serverState = errors.get(() -> ServerState.read(root,
        roles == null ? 1 : errors.get(() -> roles.object(Role.SERVER.specName()).integerOr("instances", 1, 1, 10_000), 1)),
        null);
    Map<Role, RoleSpec> roleSpecs = new EnumMap<>(Role.class);
    if (roles != null) {
      ServerState state = serverState == null ? ServerState.NONE : serverState;
      for (Role role : Role.values()) {
        RoleSpec read = errors.get(() -> readRole(roles.object(role.specName()), role, state), null);
        if (read != null) {
          roleSpecs.put(role, read);
        }
      }
    }
    Partitioning partitioning = errors.get(() -> root.optionalObject("partitioning").map(node -> {
      node.allowOnly("type", "virtualNodes");
      String type = node.textOr("type", Partitioning.DEFAULT.type());
      if (!Partitioning.TYPES.contains(type)) {
        throw node.error("type", "unknown partitioner \"" + type + "\"; known: " + String.join(", ", Partitioning.TYPES));
      }
      return new Partitioning(type, node.integerOr("virtualNodes", Partitioning.DEFAULT.virtualNodes(), 1, 4096));
    }).orElse(Partitioning.DEFAULT), Partitioning.DEFAULT);
    int before = errors.count();
    PreprocessSpec preprocess = errors.get(() -> root.optionalObject("preprocess").map(PreprocessSpec::read).orElse(null),
        null);
    boolean preprocessRead = errors.count() == before;
    SpecNode app = errors.get(() -> root.object("app"), null);
    java.util.List<String> jars = errors.get(() -> app == null ? java.util.List.<String>of() : jarsOf(app.json().path("jars")),
        java.util.List.of());
    ConfiguredApp<?, ?, ?> type = app == null ? null : errors.get(() -> Applications.configure(app.json(), appLoader), null);
    if (type != null && preprocessRead) {
      errors.run(() -> {
        if (type.needsData() && preprocess == null && !app.has("data") && !app.has("shards")) {
          throw app.error("data", "required unless the spec has a preprocess section (or app.shards names shards "
              + "written before)");
        }
        if (preprocess != null && app.has("shards")) {
          throw app.error("shards", "the preprocess section writes the shards; give one or the other");
        }
      });
    }
    if (type != null && serverState != null && roleSpecs.containsKey(Role.WORKER)) {
      errors.run(() -> {
        if (serverState.checkpoints() && type.pieces(roleSpecs.get(Role.WORKER).instances()).any()) {
          throw root.error("checkpoint", "checkpoints are cut at a clock every worker has passed, and a job that "
              + "hands out pieces has workers come and go without clocks; drop app.pieces, or use replication: 1 "
              + "(which keeps the servers' state through a server's loss without clocks)");
        }
      });
    }
    errors.throwIfAny();
    JvmProfile amJvmProfile = namedAmProfile != null ? namedAmProfile : defaultAmProfile(preprocess);
    try {
      return new JobSpec(name, queue, tags, priority, maxAppAttempts, am, roleSpecs, partitioning, type.name(),
          JSON.writeValueAsString(app.json()), jars, type, preprocess, amNodeLabel, maxFailuresPerNode, serverState,
          preprocess == null ? null : JSON.writeValueAsString(root.optionalObject("preprocess").orElseThrow().json()),
          tls, amJvmProfile);
    } catch (JsonProcessingException e) {
      throw new SpecException("app", "cannot be written as JSON: " + e.getOriginalMessage());
    }
  }

  /** The errors of a spec's parts, collected so that all are reported at once. */
  private static final class Errors {

    private final java.util.List<SpecException> found = new java.util.ArrayList<>();

    <T> T get(java.util.function.Supplier<T> part, T otherwise) {
      try {
        return part.get();
      } catch (SpecException e) {
        found.add(e);
        return otherwise;
      }
    }

    void run(Runnable part) {
      get(() -> {
        part.run();
        return null;
      }, null);
    }

    int count() {
      return found.size();
    }

    void throwIfAny() {
      if (!found.isEmpty()) {
        throw SpecException.of(found);
      }
    }
  }

  /**
   * The AM's profile when the spec names none: quick, but throughput where the AM may run the
   * preprocessing jobs' map tasks itself ({@code preprocess.runIn} auto or am): a long hot loop that
   * C2 runs about twice as fast (11 s against 21 s for the flights file's map), allocating on every
   * core, which the parallel collector costs less than G1 (the flights shard job 5.85 s against 6.15 s).
   */
  static JvmProfile defaultAmProfile(PreprocessSpec preprocess) {
    return preprocess != null && preprocess.runIn() != PreprocessSpec.RunIn.CLUSTER ? JvmProfile.THROUGHPUT
        : JvmProfile.QUICK;
  }

  /** A role's or the AM's {@code jvmProfile}: quick (the default), peak or throughput. */
  static JvmProfile jvmProfile(SpecNode node) {
    String name = node.textOr("jvmProfile", JvmProfile.QUICK.specName());
    JvmProfile profile = JvmProfile.named(name);
    if (profile == null) {
      throw node.error("jvmProfile", "unknown JVM profile \"" + name + "\"; use quick (C1 only and the serial "
          + "collector: containers that run minutes), peak (the JVM's defaults: C2, for runs of an hour or more) or "
          + "throughput (C2 and the parallel collector: hot loops that allocate on every core)");
    }
    return profile;
  }

  private static RoleSpec readRole(SpecNode node, Role role, ServerState serverState) {
    node.allowOnly("instances", "memory", "vcores", "resources", "jvmOptions", "jvmProfile", "env", "runtime", "localize",
        "nodeLabel", "placement", "restart", "liveness");
    Map<String, String> env = node.stringMap("env");
    for (String key : env.keySet()) {
      if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw node.error("env." + key, "not a valid environment variable name");
      }
      if (key.startsWith("PSYARN_") || key.equals("CLASSPATH") || key.equals("JAVA_HOME")) {
        throw node.error("env." + key, "is set by psyarn itself and cannot be overridden");
      }
    }
    Map<String, Long> others = new java.util.LinkedHashMap<>();
    node.stringMap("resources").forEach((type, amount) -> {
      if (type.equals("memory-mb") || type.equals("vcores") || type.equals("memory")) {
        throw node.error("resources." + type, "memory and vcores have fields of their own: memory, vcores");
      }
      if (!type.matches("([a-z0-9][a-z0-9.-]*/)?[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
        throw node.error("resources." + type, "not a resource type name such as yarn.io/gpu");
      }
      try {
        long n = Long.parseLong(amount);
        if (n < 0) {
          throw new NumberFormatException();
        }
        others.put(type, n);
      } catch (NumberFormatException e) {
        throw node.error("resources." + type, "expected a whole number of 0 or more, got \"" + amount + "\"");
      }
    });
    return new RoleSpec(
        node.integer("instances", 1, 10_000),
        new ResourceAsk(node.memoryMb("memory", 512, MIN_MEMORY_MB, MAX_MEMORY_MB),
            node.integerOr("vcores", 1, 1, 1024), others),
        node.stringList("jvmOptions"),
        env,
        RuntimeSpec.read(node),
        Volume.read(node),
        Placement.read(node),
        RestartPolicy.read(node, role, serverState.recoverable()),
        Liveness.read(node),
        jvmProfile(node));
  }
}
