package dev.psyarn.ps.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.psyarn.specs.SpecException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.apache.hadoop.util.ApplicationClassLoader;

/**
 * Finds the application a spec's {@code app.type} names: a short name registered through
 * {@link ServiceLoader} (psyarn's own {@code counter} and {@code sparse-lr}, or a user jar's), or
 * the name of a class that implements {@link Application}.
 */
public final class Applications {

  /**
   * A container's environment variable naming the app's jars as the NodeManager localized them
   * (file names in the working directory, comma-separated); unset or empty for none.
   */
  public static final String JARS_ENV = "PSYARN_APP_JARS";

  private Applications() {}

  /**
   * The app class loader of a container, from the jars {@link #JARS_ENV} names; the servers' update
   * rules are looked up in it too.
   */
  public static ClassLoader fromEnvironment(java.util.Map<String, String> env, ClassLoader parent) {
    List<Path> jars = new ArrayList<>();
    for (String name : env.getOrDefault(JARS_ENV, "").split(",")) {
      if (!name.isBlank()) {
        jars.add(Path.of(name.trim()).toAbsolutePath());
      }
    }
    ClassLoader loader = loader(jars, parent);
    dev.psyarn.ps.update.UpdateRules.use(loader);
    return loader;
  }

  /** The application named by {@code app.type}, with its settings bound from the rest of the section. */
  public static ConfiguredApp<?, ?, ?> configure(JsonNode section, ClassLoader loader) {
    Application<?, ?, ?> app = find(section.path("type"), loader);
    return ConfiguredApp.of(app, section);
  }

  /** The application a type names, looked up in {@code loader}; a {@link SpecException} on {@code app.type}. */
  public static Application<?, ?, ?> find(JsonNode type, ClassLoader loader) {
    if (!type.isTextual() || type.asText().isBlank()) {
      throw new SpecException("app.type", "is required: a registered app (" + String.join(", ", known(loader).keySet())
          + ") or the name of a class that implements " + Application.class.getName());
    }
    String name = type.asText();
    TreeMap<String, Application<?, ?, ?>> known = known(loader);
    Application<?, ?, ?> app = known.get(name);
    if (app != null) {
      return app;
    }
    if (!name.contains(".")) {
      throw new SpecException("app.type", "unknown app type \"" + name + "\"; known: " + String.join(", ", known.keySet())
          + " (or name a class that implements " + Application.class.getName() + ", with its jar in app.jars)");
    }
    Class<?> c;
    try {
      c = Class.forName(name, true, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new SpecException("app.type", "no class " + name + " in app.jars or psyarn's own jar"
          + (e instanceof LinkageError ? " (" + e + ")" : "") + ": add the jar that has it to app.jars");
    }
    if (!Application.class.isAssignableFrom(c)) {
      throw new SpecException("app.type", name + " does not implement " + Application.class.getName());
    }
    try {
      return (Application<?, ?, ?>) c.getConstructor().newInstance();
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
      throw new SpecException("app.type", "cannot create " + name + " (it needs a public no-argument constructor): "
          + cause);
    }
  }

  /** The registered applications, by short name. */
  public static TreeMap<String, Application<?, ?, ?>> known(ClassLoader loader) {
    TreeMap<String, Application<?, ?, ?>> known = new TreeMap<>();
    try {
      for (Application<?, ?, ?> app : ServiceLoader.load(Application.class, loader)) {
        known.putIfAbsent(app.name(), app);
      }
    } catch (ServiceConfigurationError e) {
      throw new SpecException("app.jars", "a registered app cannot be loaded: " + e.getMessage());
    }
    return known;
  }

  /**
   * The class loader of a job's app: psyarn's own when it names no jars, else one that looks in
   * the jars first for everything but Java, Hadoop, logging and psyarn itself (Hadoop's
   * {@link ApplicationClassLoader}, as MapReduce uses for a job's jars), so a user's jar may carry
   * its own versions of Jackson, Kryo, Guava or fastutil.
   */
  public static ClassLoader loader(List<Path> jars, ClassLoader parent) {
    if (jars.isEmpty()) {
      return parent;
    }
    URL[] urls = new URL[jars.size()];
    for (int i = 0; i < urls.length; i++) {
      try {
        urls[i] = jars.get(i).toUri().toURL();
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException("not a jar path: " + jars.get(i), e);
      }
    }
    List<String> system = new ArrayList<>(Arrays.asList(ApplicationClassLoader.SYSTEM_CLASSES_DEFAULT.split(",")));
    system.add("dev.psyarn.");
    system.add("org.slf4j.");
    return new ApplicationClassLoader(urls, parent, system);
  }
}
