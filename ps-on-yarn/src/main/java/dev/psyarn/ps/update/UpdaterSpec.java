package dev.psyarn.ps.update;

/**
 * An updater as it travels in a {@code CreateTable} request and is written in a job spec.
 *
 * @param type sum, sgd, adagrad or ftrl
 * @param rate the learning rate (sgd, adagrad) or alpha (ftrl)
 * @param l1 L1 strength (ftrl)
 * @param l2 L2 strength (sgd, ftrl)
 * @param beta FTRL's beta; AdaGrad's epsilon
 */
public record UpdaterSpec(String type, float rate, float l1, float l2, float beta) {

  public static final UpdaterSpec SUM = new UpdaterSpec("sum", 0, 0, 0, 0);

  /** The updater this describes. */
  public Updater create() {
    return switch (type) {
      case "sum" -> Updater.SUM;
      case "sgd" -> new Sgd(rate, l2);
      case "adagrad" -> new AdaGrad(rate, beta > 0 ? beta : 1e-6f);
      case "ftrl" -> new Ftrl(rate, beta, l1, l2);
      default -> throw new IllegalArgumentException("unknown updater \"" + type + "\"; known: sum, sgd, adagrad, ftrl");
    };
  }
}
