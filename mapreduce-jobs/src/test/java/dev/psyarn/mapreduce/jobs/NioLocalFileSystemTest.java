package dev.psyarn.mapreduce.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-process jobs' local file system sets the permissions Hadoop's own sets, without a chmod process. */
class NioLocalFileSystemTest {

  @TempDir
  File dir;

  @Test
  void inProcessJobsGetItWhateverThisJvmCachedBefore() throws Exception {
    Configuration conf = new Configuration(false);
    FileSystem cached = FileSystem.get(new File(dir, "x").toURI(), conf);
    Configuration here = Preprocess.inProcess(conf, 2, dir.getPath());
    FileSystem mine = FileSystem.get(new File(dir, "x").toURI(), here);
    assertInstanceOf(NioLocalFileSystem.class, mine);
    assertNotSame(mine, FileSystem.get(new File(dir, "x").toURI(), here), "not cached: the cache is by scheme");
    assertEquals(cached, FileSystem.get(new File(dir, "x").toURI(), conf), "the JVM's own local file system stays");
  }

  @Test
  void everyModeIsWhatHadoopsChmodSets() throws Exception {
    RawLocalFileSystem hadoops = new RawLocalFileSystem();
    hadoops.initialize(dir.toURI(), new Configuration(false));
    NioLocalFileSystem.Raw mine = new NioLocalFileSystem.Raw();
    mine.initialize(dir.toURI(), new Configuration(false));
    for (short mode : new short[] {00, 0700, 0644, 0666, 0777, 0750, 0604, 0111, 0222, 0444, 0765, 0531}) {
      File a = new File(dir, "a" + mode);
      File b = new File(dir, "b" + mode);
      assertTrue(a.createNewFile() && b.createNewFile());
      hadoops.setPermission(new Path(a.toURI()), new FsPermission(mode));
      mine.setPermission(new Path(b.toURI()), new FsPermission(mode));
      assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(a.toPath())),
          PosixFilePermissions.toString(Files.getPosixFilePermissions(b.toPath())), Integer.toOctalString(mode));
      assertEquals(new FsPermission(mode).toString(),
          PosixFilePermissions.toString(Files.getPosixFilePermissions(b.toPath())), Integer.toOctalString(mode));
    }
  }

  @Test
  void filesAndDirectoriesMadeWithAPermissionHaveItAndSoDoTheirChecksums() throws Exception {
    Configuration conf = new Configuration(false);
    conf.set("fs.permissions.umask-mode", "022");
    LocalFileSystem fs = new NioLocalFileSystem();
    fs.initialize(dir.toURI(), conf);
    Path d = new Path(new File(dir, "staging/job").toURI());
    assertTrue(fs.mkdirs(d, new FsPermission((short) 0700)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(new File(dir, "staging/job").toPath())));
    Path file = new Path(d, "job.xml");
    try (FSDataOutputStream out = FileSystem.create(fs, file, new FsPermission((short) 0644))) {
      out.writeBytes("<configuration/>");
    }
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(new File(dir, "staging/job/job.xml").toPath())));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(new File(dir, "staging/job/.job.xml.crc").toPath())),
        "the checksum file too");
    assertEquals(new FsPermission((short) 0644), fs.getFileStatus(file).getPermission());
  }

  @Test
  void aMissingFileIsAnErrorNamingIt() {
    NioLocalFileSystem.Raw mine = new NioLocalFileSystem.Raw();
    Path missing = new Path(new File(dir, "no-such-file").toURI());
    IOException e = assertThrows(IOException.class, () -> {
      mine.initialize(dir.toURI(), new Configuration(false));
      mine.setPermission(missing, new FsPermission((short) 0644));
    });
    assertTrue(e.getMessage().contains("no-such-file"), e.getMessage());
  }
}
