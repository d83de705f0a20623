package dev.psyarn.ps.apps;

import dev.psyarn.specs.SpecNode;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The jobs psyarn knows, by the name the spec uses. */
public final class AppTypes {

  private static final Map<String, AppType> TYPES = List.<AppType>of(new CounterApp(), new SparseLogisticRegression()).stream()
      .collect(Collectors.toMap(AppType::name, Function.identity()));

  private AppTypes() {}

  /** The app type named by {@code app.type}, validated against its section. */
  public static AppType validated(SpecNode app) {
    AppType type = get(app);
    type.validate(app);
    return type;
  }

  /** The app type named by {@code app.type}. */
  public static AppType get(SpecNode app) {
    String name = app.text("type");
    AppType type = TYPES.get(name);
    if (type == null) {
      throw app.error("type", "unknown app type \"" + name + "\"; known: "
          + String.join(", ", TYPES.keySet().stream().sorted().toList()));
    }
    return type;
  }
}
