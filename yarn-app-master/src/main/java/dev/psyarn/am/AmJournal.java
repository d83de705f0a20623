package dev.psyarn.am;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * What a new AM attempt needs to take the job over from the last (YARN keeps the containers):
 * whether preprocessing is done, which container holds each slot and where servers listen, the
 * results workers reported, the barriers every worker passed. Written to the staging directory
 * whole, through a temporary file and a rename, so a reader never sees half of it.
 */
final class AmJournal {

  /** One slot's holder. */
  record Slot(String role, int index, String id, String host, String nodeHttpAddress, int port, int restarts,
      boolean finished) {}

  /**
   * The job's state as the next attempt takes it over.
   *
   * @param preprocess the preprocessing stage's status once it succeeded, else null
   * @param slots every slot's current holder
   * @param results the results of the workers that finished, by index
   * @param releasedBarriers barriers every worker has passed
   * @param restarts replacements asked for, by role
   * @param desiredWorkers the workers the job wants (flex changes it; 0 in an older journal: the spec's)
   * @param donePieces the pieces every worker is done with, for an app that hands them out
   */
  record State(Map<String, Object> preprocess, List<Slot> slots, Map<Integer, WorkerReport> results,
      List<String> releasedBarriers, Map<String, Integer> restarts, int desiredWorkers, List<Integer> donePieces) {

    State {
      donePieces = donePieces == null ? List.of() : donePieces;
    }
  }

  static final String FILE = "am-state.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileSystem fs;
  private final FileContext files;
  private final Path file;

  AmJournal(FileSystem fs, Path stagingDir) throws IOException {
    this.fs = fs;
    this.files = FileContext.getFileContext(fs.getUri(), fs.getConf());
    this.file = fs.makeQualified(new Path(stagingDir, FILE));
  }

  void save(State state) throws IOException {
    Path tmp = new Path(file.getParent(), FILE + ".tmp");
    try (OutputStream out = fs.create(tmp, true)) {
      JSON.writeValue(out, state);
    }
    files.rename(tmp, file, Options.Rename.OVERWRITE);
  }

  /** The last attempt's state, if it left one. */
  Optional<State> load() throws IOException {
    if (!fs.exists(file)) {
      return Optional.empty();
    }
    try (InputStream in = fs.open(file)) {
      return Optional.of(JSON.readValue(in, State.class));
    }
  }
}
