package dev.psyarn.ps.store;

import dev.psyarn.ps.update.UpdaterSpec;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Servers' checkpoints on the cluster file system. A checkpoint is a directory
 * {@code ckpt-CCCCCCCCCC} (its clock, ten digits) under the job's checkpoint root holding one file
 * a server, {@code server-IIIII-of-NNNNN.ckpt}; it is complete once all N files are there. Each file
 * is written under a temporary name and renamed when whole, and ends with its length and CRC32C, so a
 * half-written or damaged file is never taken: {@link #latest} refuses it with the reason and takes
 * the previous checkpoint.
 *
 * <p>The file (version 2, big-endian): magic {@code PSYCKPT1}; int version; int server, numServers,
 * clock; int workers and each worker's clock; int
 * rollbacks and each (int restored clock, int workers, then per worker int resumed clock, long restored
 * seq, long resumed seq); int tables and each (int id,
 * UTF updater type, float rate, l1, l2, beta, int ledger entries and each (int origin, long seq), int pushes
 * cut off mid-way and each (int origin, long seq, long first key not applied), int width, int slotWidth, long
 * keys, then per key a long and slotWidth floats); then long payload bytes, long CRC32C of the payload and
 * magic {@code PSYCKEND}. Version 1, read too, has no pushes cut off mid-way.
 */
public final class Checkpoints {

  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
  static final long MAGIC = 0x505359434B505431L; // PSYCKPT1
  static final long END = 0x505359434B454E44L; // PSYCKEND
  public static final int VERSION = 2;
  private static final Pattern DIR = Pattern.compile("ckpt-(\\d{10})");
  private static final Pattern FILE = Pattern.compile("server-(\\d{5})-of-(\\d{5})\\.ckpt");

  private final FileSystem fs;
  private final Path root;
  private final int keep;

  /** Checkpoints under {@code root}, of which the newest {@code keep} complete ones are kept. */
  public Checkpoints(FileSystem fs, Path root, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep at least one checkpoint, got " + keep);
    }
    this.fs = fs;
    this.root = root;
    this.keep = keep;
  }

  /** A checkpoint read back, and from where. */
  public record Loaded(Path file, ServerSnapshot snapshot) {}

  public Path root() {
    return root;
  }

  static String dirName(int clock) {
    return String.format("ckpt-%010d", clock);
  }

  static String fileName(int server, int numServers) {
    return String.format("server-%05d-of-%05d.ckpt", server, numServers);
  }

  /** Writes a server's snapshot (temporary name, then renamed), then prunes this server's old checkpoints. */
  public Path write(ServerSnapshot s) throws IOException {
    Path dir = new Path(root, dirName(s.clock()));
    Path file = new Path(dir, fileName(s.server(), s.numServers()));
    Path tmp = new Path(dir, "_tmp-" + file.getName() + "-" + System.nanoTime());
    fs.mkdirs(dir);
    CRC32C crc = new CRC32C();
    long bytes;
    try (var raw = fs.create(tmp, true)) {
      DataOutputStream out = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), crc));
      writePayload(out, s);
      out.flush();
      bytes = raw.getPos();
      // The trailer closes the file outside the checksum: the payload's length, its CRC32C, the end magic.
      DataOutputStream trailer = new DataOutputStream(raw);
      trailer.writeLong(bytes);
      trailer.writeLong(crc.getValue());
      trailer.writeLong(END);
      trailer.flush();
    }
    if (fs.exists(file)) {
      fs.delete(file, false); // a file of an earlier attempt at the same clock
    }
    if (!fs.rename(tmp, file)) {
      throw new IOException("cannot rename " + tmp + " to " + file);
    }
    LOG.info("server {} wrote its checkpoint at clock {}: {} keys, {} bytes, {}", s.server(), s.clock(), s.keys(),
        bytes, file);
    prune(s.server(), s.numServers());
    return file;
  }

  private static void writePayload(DataOutputStream out, ServerSnapshot s) throws IOException {
    out.writeLong(MAGIC);
    out.writeInt(VERSION);
    out.writeInt(s.server());
    out.writeInt(s.numServers());
    out.writeInt(s.clock());
    out.writeInt(s.workerClocks().length);
    for (int c : s.workerClocks()) {
      out.writeInt(c);
    }
    out.writeInt(s.rollbacks().size());
    for (ServerSnapshot.Rollback r : s.rollbacks()) {
      out.writeInt(r.restoredClock());
      out.writeInt(r.resumedClocks().length);
      for (int w = 0; w < r.resumedClocks().length; w++) {
        out.writeInt(r.resumedClocks()[w]);
        out.writeLong(r.restoredSeqs()[w]);
        out.writeLong(r.resumedSeqs()[w]);
      }
    }
    out.writeInt(s.tables().size());
    for (ServerSnapshot.Table t : s.tables()) {
      out.writeInt(t.id());
      // An app rule's options follow its class name after a '?' (none for psyarn's updaters).
      out.writeUTF(t.updater().options().isEmpty() ? t.updater().type() : t.updater().type() + "?" + t.updater().options());
      out.writeFloat(t.updater().rate());
      out.writeFloat(t.updater().l1());
      out.writeFloat(t.updater().l2());
      out.writeFloat(t.updater().beta());
      out.writeInt(t.ledger().size());
      for (Map.Entry<Integer, Long> e : t.ledger().entrySet()) {
        out.writeInt(e.getKey());
        out.writeLong(e.getValue());
      }
      out.writeInt(t.torn().size());
      for (ServerSnapshot.Torn torn : t.torn()) {
        out.writeInt(torn.origin());
        out.writeLong(torn.seq());
        out.writeLong(torn.from());
      }
      KeyValueTable.Image image = t.image();
      out.writeInt(image.width());
      out.writeInt(image.slotWidth());
      out.writeLong(image.keys().length);
      int row = Long.BYTES + image.slotWidth() * Float.BYTES;
      int rows = Math.max(1, (1 << 16) / row);
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(rows * row);
      for (int i = 0; i < image.keys().length; i += rows) {
        buffer.clear();
        int n = Math.min(rows, image.keys().length - i);
        for (int r = i; r < i + n; r++) {
          buffer.putLong(image.keys()[r]);
          buffer.asFloatBuffer().put(image.slots(), r * image.slotWidth(), image.slotWidth());
          buffer.position(buffer.position() + image.slotWidth() * Float.BYTES);
        }
        out.write(buffer.array(), 0, buffer.position());
      }
    }
  }

  /** A snapshot as bytes (the file's payload), to hand a range over to a replacement. */
  public static byte[] encode(ServerSnapshot s) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writePayload(out, s);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The snapshot {@link #encode} gave these bytes of. */
  public static ServerSnapshot decode(byte[] bytes) throws IOException {
    return readPayload(new DataInputStream(new java.io.ByteArrayInputStream(bytes)), new Path("/handover"));
  }

  /**
   * Reads and checks one checkpoint file.
   *
   * @throws IOException saying what is wrong with it: not a checkpoint, another version, truncated,
   *     or a checksum that does not match
   */
  public static ServerSnapshot read(FileSystem fs, Path file) throws IOException {
    long length = fs.getFileStatus(file).getLen();
    if (length < 24) {
      throw new IOException(file + " is not a whole checkpoint: " + length + " bytes");
    }
    long payload = length - 24;
    try (var in = fs.open(file)) {
      in.seek(payload);
      long declared = in.readLong();
      long sum = in.readLong();
      if (in.readLong() != END || declared != payload) {
        throw new IOException(file + " is truncated or not a psyarn checkpoint: it does not end with its trailer");
      }
      in.seek(0);
      CRC32C crc = new CRC32C();
      ServerSnapshot s;
      try {
        s = readPayload(new DataInputStream(new CheckedInputStream(new BufferedInputStream(in, 1 << 16), crc)), file);
      } catch (EOFException e) {
        throw new IOException(file + " is truncated: it ends inside its data", e);
      }
      if (crc.getValue() != sum) {
        throw new IOException(file + " is damaged: its data's CRC32C is " + Long.toHexString(crc.getValue())
            + " where the file says " + Long.toHexString(sum));
      }
      return s;
    }
  }

  private static ServerSnapshot readPayload(DataInputStream in, Path file) throws IOException {
    if (in.readLong() != MAGIC) {
      throw new IOException(file + " is not a psyarn checkpoint (no PSYCKPT1 magic)");
    }
    int version = in.readInt();
    if (version != 1 && version != VERSION) {
      throw new IOException(file + " is a checkpoint of version " + version + "; this psyarn reads versions 1 to "
          + VERSION + " (a newer psyarn wrote it: resume the job with that one)");
    }
    int server = in.readInt();
    int numServers = in.readInt();
    int clock = in.readInt();
    int[] clocks = new int[count(in.readInt(), file)];
    for (int i = 0; i < clocks.length; i++) {
      clocks[i] = in.readInt();
    }
    List<ServerSnapshot.Rollback> rollbacks = new ArrayList<>();
    for (int i = count(in.readInt(), file); i > 0; i--) {
      int restored = in.readInt();
      int[] resumed = new int[count(in.readInt(), file)];
      long[] restoredSeqs = new long[resumed.length];
      long[] resumedSeqs = new long[resumed.length];
      for (int w = 0; w < resumed.length; w++) {
        resumed[w] = in.readInt();
        restoredSeqs[w] = in.readLong();
        resumedSeqs[w] = in.readLong();
      }
      rollbacks.add(new ServerSnapshot.Rollback(restored, resumed, restoredSeqs, resumedSeqs));
    }
    List<ServerSnapshot.Table> tables = new ArrayList<>();
    for (int i = count(in.readInt(), file); i > 0; i--) {
      int id = in.readInt();
      String[] rule = in.readUTF().split("\\?", 2);
      UpdaterSpec updater = new UpdaterSpec(rule[0], in.readFloat(), in.readFloat(), in.readFloat(), in.readFloat(),
          rule.length > 1 ? rule[1] : "");
      Map<Integer, Long> ledger = new TreeMap<>();
      for (int e = count(in.readInt(), file); e > 0; e--) {
        ledger.put(in.readInt(), in.readLong());
      }
      List<ServerSnapshot.Torn> torn = new ArrayList<>();
      for (int e = version < 2 ? 0 : count(in.readInt(), file); e > 0; e--) {
        torn.add(new ServerSnapshot.Torn(in.readInt(), in.readLong(), in.readLong()));
      }
      int width = in.readInt();
      int slotWidth = in.readInt();
      long keys = in.readLong();
      if (keys < 0 || keys * slotWidth > Integer.MAX_VALUE - 16 || width <= 0 || slotWidth < width) {
        throw new IOException(file + " is damaged: table " + id + " declares " + keys + " keys of slot width " + slotWidth);
      }
      long[] k = new long[(int) keys];
      float[] slots = new float[(int) keys * slotWidth];
      int row = Long.BYTES + slotWidth * Float.BYTES;
      int rows = Math.max(1, (1 << 16) / row);
      byte[] bytes = new byte[rows * row];
      for (int j = 0; j < k.length; j += rows) {
        int n = Math.min(rows, k.length - j);
        in.readFully(bytes, 0, n * row);
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes, 0, n * row);
        for (int r = j; r < j + n; r++) {
          k[r] = buffer.getLong();
          buffer.asFloatBuffer().get(slots, r * slotWidth, slotWidth);
          buffer.position(buffer.position() + slotWidth * Float.BYTES);
        }
      }
      tables.add(new ServerSnapshot.Table(id, updater, new KeyValueTable.Image(width, slotWidth, k, slots), ledger,
          torn));
    }
    return new ServerSnapshot(server, numServers, clock, clocks, rollbacks, tables);
  }

  private static int count(int n, Path file) throws IOException {
    if (n < 0 || n > 1 << 24) {
      throw new IOException(file + " is damaged: a count of " + n);
    }
    return n;
  }

  /** The clocks of the checkpoints under the root that every one of {@code numServers} servers finished, newest first. */
  public List<Integer> complete(int numServers) throws IOException {
    List<Integer> clocks = new ArrayList<>();
    for (Map.Entry<Integer, Path> e : dirs(fs, root).entrySet()) {
      int files = 0;
      for (FileStatus f : fs.listStatus(e.getValue())) {
        Matcher m = FILE.matcher(f.getPath().getName());
        if (m.matches() && Integer.parseInt(m.group(2)) == numServers) {
          files++;
        }
      }
      if (files == numServers) {
        clocks.add(e.getKey());
      }
    }
    clocks.sort(Comparator.reverseOrder());
    return clocks;
  }

  /**
   * The newest complete checkpoint of server {@code server} whose file reads whole and checks;
   * files that do not are refused with their reason in the log (and in {@code refused}).
   */
  public Optional<Loaded> latest(int server, int numServers, List<String> refused) throws IOException {
    for (int clock : complete(numServers)) {
      Path file = new Path(new Path(root, dirName(clock)), fileName(server, numServers));
      try {
        return Optional.of(new Loaded(file, read(fs, file)));
      } catch (IOException e) {
        LOG.error("refusing checkpoint {}: {}; trying the one before", file, e.getMessage());
        refused.add(e.getMessage());
      }
    }
    return Optional.empty();
  }

  /** Deletes this server's files of the checkpoints older than the newest {@code keep} complete ones. */
  private void prune(int server, int numServers) throws IOException {
    List<Integer> kept = complete(numServers);
    if (kept.size() <= keep) {
      return;
    }
    int oldestKept = kept.get(keep - 1);
    for (Map.Entry<Integer, Path> e : dirs(fs, root).entrySet()) {
      if (e.getKey() < oldestKept) {
        fs.delete(new Path(e.getValue(), fileName(server, numServers)), false);
        if (fs.listStatus(e.getValue()).length == 0) {
          fs.delete(e.getValue(), true);
        }
      }
    }
  }

  /** The checkpoint directories under {@code root} by clock. */
  static TreeMap<Integer, Path> dirs(FileSystem fs, Path root) throws IOException {
    TreeMap<Integer, Path> out = new TreeMap<>();
    if (!fs.exists(root)) {
      return out;
    }
    for (FileStatus f : fs.listStatus(root)) {
      Matcher m = DIR.matcher(f.getPath().getName());
      if (f.isDirectory() && m.matches()) {
        out.put(Integer.parseInt(m.group(1)), f.getPath());
      }
    }
    return out;
  }

  /**
   * Every server file of one checkpoint, for a warm start: {@code path} names a checkpoint
   * directory, or a root whose newest complete checkpoint is taken.
   *
   * @throws IOException naming the path when it holds no complete checkpoint or a file is damaged
   */
  public static List<ServerSnapshot> readWhole(FileSystem fs, Path path) throws IOException {
    Path dir = locate(fs, path);
    int n = wholeCount(fs, dir);
    List<ServerSnapshot> out = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      out.add(read(fs, new Path(dir, fileName(s, n))));
    }
    return out;
  }

  /**
   * The checkpoint directory {@code path} names (itself, or a root's newest complete one), once
   * each of its files ends with a whole trailer: a cheap check before a job is submitted.
   *
   * @throws IOException naming the path when it holds no complete checkpoint or a file is cut short
   */
  public static Path locate(FileSystem fs, Path path) throws IOException {
    Path dir = path;
    if (!DIR.matcher(path.getName()).matches()) {
      TreeMap<Integer, Path> all = dirs(fs, path);
      dir = null;
      for (Integer clock : all.descendingKeySet()) {
        if (wholeCount(fs, all.get(clock)) > 0) {
          dir = all.get(clock);
          break;
        }
      }
      if (dir == null) {
        throw new IOException(path + " holds no complete checkpoint (ckpt-CCCCCCCCCC directories with every server's file)");
      }
    }
    int n = wholeCount(fs, dir);
    if (n <= 0) {
      throw new IOException(dir + " is not a complete checkpoint: it lacks some servers' files");
    }
    for (int s = 0; s < n; s++) {
      Path file = new Path(dir, fileName(s, n));
      long length = fs.getFileStatus(file).getLen();
      try (var in = fs.open(file)) {
        if (length < 24) {
          throw new IOException(file + " is truncated: " + length + " bytes");
        }
        in.seek(length - 24);
        long declared = in.readLong();
        in.readLong(); // the checksum, checked when the file is read
        if (declared != length - 24 || in.readLong() != END) {
          throw new IOException(file + " is truncated or not a psyarn checkpoint: it does not end with its trailer");
        }
      }
    }
    return dir;
  }

  /** The number of servers whose files a checkpoint directory holds all of, or -1. */
  private static int wholeCount(FileSystem fs, Path dir) throws IOException {
    if (!fs.exists(dir)) {
      return -1;
    }
    int n = -1;
    int files = 0;
    for (FileStatus f : fs.listStatus(dir)) {
      Matcher m = FILE.matcher(f.getPath().getName());
      if (m.matches()) {
        n = Integer.parseInt(m.group(2));
        files++;
      }
    }
    return n > 0 && files == n ? n : -1;
  }
}
