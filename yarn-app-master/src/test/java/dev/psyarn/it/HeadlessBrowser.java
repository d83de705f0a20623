package dev.psyarn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real browser engine for the tests of the AM's page: Debian's {@code chromium}, headless. It
 * loads a page, runs its scripts (timers and requests included) for a budget of virtual time, and
 * gives the document as the scripts left it. Found on the PATH (or at {@code PSYARN_BROWSER});
 * without one the browser checks are skipped and say so, unless {@code PSYARN_REQUIRE_BROWSER=1}
 * (CI sets it, after {@code apt-get install chromium}) makes a missing browser a failure.
 */
public final class HeadlessBrowser {

  private static final Pattern ATTRIBUTE = Pattern.compile("([\\w-]+)=\"([^\"]*)\"");
  private final String binary;

  private HeadlessBrowser(String binary) {
    this.binary = binary;
  }

  /** The browser, or empty (after failing the test when one is required). */
  public static Optional<HeadlessBrowser> find() {
    String configured = System.getenv("PSYARN_BROWSER");
    if (configured != null && new File(configured).canExecute()) {
      return Optional.of(new HeadlessBrowser(configured));
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : new String[] {"chromium", "chromium-browser", "google-chrome"}) {
        File f = new File(dir, name);
        if (f.canExecute()) {
          return Optional.of(new HeadlessBrowser(f.getPath()));
        }
      }
    }
    if ("1".equals(System.getenv("PSYARN_REQUIRE_BROWSER"))) {
      fail("no chromium on the PATH (apt-get install chromium), and PSYARN_REQUIRE_BROWSER=1 asks for it");
    }
    System.err.println("SKIPPED the browser checks: no chromium on the PATH (apt-get install chromium)");
    return Optional.empty();
  }

  /** The document after {@code virtualMs} of the page's time (its timers and fetches run meanwhile). */
  public String dom(String url, int virtualMs) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("psyarn-browser");
    try {
      Process p = new ProcessBuilder(binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--no-first-run", "--user-data-dir=" + profile, "--virtual-time-budget=" + virtualMs, "--dump-dom", url)
          .redirectError(profile.resolve("stderr.txt").toFile()).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(90, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("the browser did not finish loading " + url + " within 90 s");
      }
      assertEquals(0, p.exitValue(), "the browser on " + url + ": " + Files.readString(profile.resolve("stderr.txt")));
      return new String(out, StandardCharsets.UTF_8);
    } finally {
      org.apache.hadoop.fs.FileUtil.fullyDelete(profile.toFile());
    }
  }

  /** The attributes of the element with {@code id} in a dumped document. */
  public static Map<String, String> element(String dom, String tag, String id) {
    Matcher m = Pattern.compile("<" + tag + "\\b[^>]*\\bid=\"" + Pattern.quote(id) + "\"[^>]*>").matcher(dom);
    assertTrue(m.find(), "no <" + tag + " id=\"" + id + "\"> in the page: " + dom);
    return attributes(m.group());
  }

  /** The drawn series of the chart {@code id}: name to point count. */
  public static Map<String, Integer> series(String dom, String id) {
    int start = dom.indexOf("id=\"" + id + "\"");
    assertTrue(start >= 0, "no chart " + id);
    int end = dom.indexOf("</svg>", start);
    Map<String, Integer> out = new LinkedHashMap<>();
    Matcher m = Pattern.compile("<polyline\\b[^>]*>").matcher(dom.substring(start, end));
    while (m.find()) {
      Map<String, String> a = attributes(m.group());
      out.put(a.get("data-series"), Integer.parseInt(a.get("data-count")));
    }
    return out;
  }

  private static Map<String, String> attributes(String tag) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher a = ATTRIBUTE.matcher(tag);
    while (a.find()) {
      out.put(a.group(1), a.group(2));
    }
    return out;
  }
}
