package dev.psyarn.ps.wire;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The paper's filters (§5) on what a worker sends, switched on in the spec's {@code app.filters}:
 * a key list sent again on the same connection goes as a slot and a signature ({@code keyCaching});
 * bulk payloads are LZ4-compressed when that makes them smaller ({@code compression: lz4}; the
 * server then compresses its answers too).
 *
 * @param keyCaching send repeated key lists as a cache slot
 * @param lz4 compress payloads with LZ4
 */
public record DataFilters(boolean keyCaching, boolean lz4) {

  public static final DataFilters NONE = new DataFilters(false, false);

  /** Reads {@code filters} of an app section (absent fields: off). */
  public static DataFilters of(JsonNode app) {
    JsonNode f = app.path("filters");
    return new DataFilters(f.path("keyCaching").asBoolean(false), "lz4".equals(f.path("compression").asText("")));
  }
}
