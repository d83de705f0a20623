package dev.psyarn.ps.update;

import java.lang.reflect.InvocationTargetException;

/**
 * Where a server finds an app's own update rules: the class loader of the app's jars, which a
 * container sets once at start ({@link #use}); psyarn's own otherwise.
 */
public final class UpdateRules {

  private static volatile ClassLoader loader = UpdateRules.class.getClassLoader();

  private UpdateRules() {}

  /** Makes this process find app classes in {@code appLoader}. */
  public static void use(ClassLoader appLoader) {
    loader = appLoader;
  }

  /** The app class of this name. */
  static Class<?> load(String type) {
    try {
      return Class.forName(type, true, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("unknown updater \"" + type + "\": not sum, sgd, adagrad or ftrl, and no such "
          + "class in the app's jars");
    }
  }

  /** A new instance of the spec's class, which must be a {@code kind}: constructed with the spec, or without arguments. */
  static <T> T create(UpdaterSpec spec, Class<T> kind) {
    Class<?> c = load(spec.type());
    if (!kind.isAssignableFrom(c)) {
      throw new IllegalArgumentException(spec.type() + " is not a " + kind.getSimpleName());
    }
    try {
      try {
        return kind.cast(c.getConstructor(UpdaterSpec.class).newInstance(spec));
      } catch (NoSuchMethodException e) {
        return kind.cast(c.getConstructor().newInstance());
      }
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException("cannot create " + spec.type() + ": " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("cannot create " + spec.type() + " (a public constructor taking an UpdaterSpec, "
          + "or none, is needed): " + e);
    }
  }
}
