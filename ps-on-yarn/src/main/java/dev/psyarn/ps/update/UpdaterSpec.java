package dev.psyarn.ps.update;

import dev.psyarn.ps.api.ServerHandle;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An update rule as it travels in a {@code CreateTable} request and is written in a job spec: one
 * of psyarn's per-key updaters, or an app's own class (an {@link Updater}, or a
 * {@link ServerHandle}) with its options.
 *
 * @param type sum, sgd, adagrad, ftrl, or the name of a class in the app's jars
 * @param rate the learning rate (sgd, adagrad) or alpha (ftrl)
 * @param l1 L1 strength (ftrl)
 * @param l2 L2 strength (sgd, adagrad, ftrl)
 * @param beta FTRL's beta; AdaGrad's epsilon
 * @param options an app class's options, {@code key=value} pairs separated by commas; empty for none.
 *     Kept in key order, so that equal options make equal specs: workers build theirs from maps
 *     whose order may differ between JVMs (a {@code Map.of}'s changes with its random salt)
 */
public record UpdaterSpec(String type, float rate, float l1, float l2, float beta, String options) {

  public static final UpdaterSpec SUM = new UpdaterSpec("sum", 0, 0, 0, 0);
  private static final Set<String> BUILT_IN = Set.of("sum", "sgd", "adagrad", "ftrl");

  public UpdaterSpec {
    options = options == null || options.isEmpty() ? ""
        : String.join(",", java.util.Arrays.stream(options.split(",")).sorted(java.util.Comparator.comparing(UpdaterSpec::key)).toList());
  }

  /**
   * Equal settings, as a record's own equals (floats by {@link Float#compare}). Written out because
   * a record's generated equals and hashCode are linked at their first call (an invokedynamic
   * bootstrap that builds method handles): about 30 ms of a starting server's CPU as the first
   * worker's table was created.
   */
  @Override
  public boolean equals(Object o) {
    return o == this || o instanceof UpdaterSpec s && java.util.Objects.equals(type, s.type)
        && Float.compare(rate, s.rate) == 0 && Float.compare(l1, s.l1) == 0 && Float.compare(l2, s.l2) == 0
        && Float.compare(beta, s.beta) == 0 && options.equals(s.options);
  }

  @Override
  public int hashCode() {
    int h = java.util.Objects.hashCode(type);
    h = 31 * h + Float.hashCode(rate);
    h = 31 * h + Float.hashCode(l1);
    h = 31 * h + Float.hashCode(l2);
    h = 31 * h + Float.hashCode(beta);
    return 31 * h + options.hashCode();
  }

  /** The key of a {@code key=value} pair. */
  private static String key(String pair) {
    int eq = pair.indexOf('=');
    return eq < 0 ? pair : pair.substring(0, eq);
  }

  /** One of psyarn's updaters. */
  public UpdaterSpec(String type, float rate, float l1, float l2, float beta) {
    this(type, rate, l1, l2, beta, "");
  }

  /** An app's own rule: a class implementing {@link Updater} or {@link ServerHandle}, with its options. */
  public static UpdaterSpec custom(Class<?> rule, Map<String, ?> options) {
    if (!Updater.class.isAssignableFrom(rule) && !ServerHandle.class.isAssignableFrom(rule)) {
      throw new IllegalArgumentException(rule.getName() + " is neither an Updater nor a ServerHandle");
    }
    StringBuilder text = new StringBuilder();
    options.forEach((k, v) -> {
      String value = String.valueOf(v);
      if (k.contains("=") || k.contains(",") || value.contains(",")) {
        throw new IllegalArgumentException("option " + k + "=" + value + ": keys and values cannot hold ',' (nor keys '=')");
      }
      text.append(text.isEmpty() ? "" : ",").append(k).append('=').append(value);
    });
    return new UpdaterSpec(rule.getName(), 0, 0, 0, 0, text.toString());
  }

  /** Whether this is one of psyarn's own updaters. */
  public boolean builtIn() {
    return BUILT_IN.contains(type);
  }

  /** The options, by key. */
  public Map<String, String> optionMap() {
    Map<String, String> map = new LinkedHashMap<>();
    for (String pair : options.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        map.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return map;
  }

  /** An option as a whole number, {@code otherwise} when not given. */
  public int intOption(String key, int otherwise) {
    String value = optionMap().get(key);
    try {
      return value == null ? otherwise : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option " + key + " of " + type + " must be a whole number, got " + value);
    }
  }

  /** Whether this names an app's {@link ServerHandle} (which keeps its own state) rather than a per-key rule. */
  public boolean handle() {
    return !builtIn() && ServerHandle.class.isAssignableFrom(UpdateRules.load(type));
  }

  /** The per-key updater this describes. */
  public Updater create() {
    return switch (type) {
      case "sum" -> Updater.SUM;
      case "sgd" -> new Sgd(rate, l2);
      case "adagrad" -> new AdaGrad(rate, beta > 0 ? beta : 1e-6f, l2);
      case "ftrl" -> new Ftrl(rate, beta, l1, l2);
      default -> UpdateRules.create(this, Updater.class);
    };
  }

  /** The server handle this names, a new instance. */
  public ServerHandle createHandle() {
    return UpdateRules.create(this, ServerHandle.class);
  }
}
