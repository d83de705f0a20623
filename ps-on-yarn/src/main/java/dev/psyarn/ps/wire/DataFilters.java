package dev.psyarn.ps.wire;

/**
 * The paper's filters (§5) on what a worker sends, switched on by the app ({@link dev.psyarn.ps.api.Application#filters}; {@code sparse-lr}'s {@code app.filters}):
 * a key list sent again on the same connection goes as a slot and a signature ({@code keyCaching});
 * bulk payloads are LZ4-compressed when that makes them smaller ({@code compression: lz4}; the
 * server then compresses its answers too).
 *
 * @param keyCaching send repeated key lists as a cache slot
 * @param lz4 compress payloads with LZ4
 */
public record DataFilters(boolean keyCaching, boolean lz4) {

  public static final DataFilters NONE = new DataFilters(false, false);
}
