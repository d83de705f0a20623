package dev.psyarn.specs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;

/**
 * Paths in a spec: one without a scheme that is relative names a local file next to the spec, so
 * the client makes it absolute before the spec is staged for a cluster that does not share its
 * working directory. Paths with a scheme ({@code hdfs://…}) or absolute ones are left alone.
 */
public final class SpecPaths {

  private SpecPaths() {}

  /** Resolves each named field of {@code node} that holds a relative path against {@code base}. */
  public static void resolve(ObjectNode node, URI base, String... fields) {
    for (String field : fields) {
      JsonNode path = node.get(field);
      if (path != null && path.isTextual()) {
        URI uri = URI.create(path.asText().replace(" ", "%20"));
        if (uri.getScheme() == null && !path.asText().startsWith("/")) {
          node.put(field, base.resolve(uri).toString());
        }
      }
    }
  }
}
