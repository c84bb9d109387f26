package io.genesis.session.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.embedded.TestServices;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Flyway on a fresh database per test (blocking JDBC from the test thread, as on the worker in the
 * service). Databases "made by an earlier release" are made the way its hand-kept migrator made them:
 * the same files run in order, and their versions in {@code schema_migrations}.
 */
@DisplayName("Migration files (Flyway)")
class MigrationFilesTest {
  private String database;
  private String url;

  @BeforeEach
  void createDatabase() throws SQLException {
    database = "genesis_fly_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    admin("CREATE DATABASE " + database);
    url = urlFor(database);
  }

  @AfterEach
  void dropDatabase() throws SQLException {
    admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
  }

  @Test
  @DisplayName("every V<n>__*.sql file in db/migration is applied, once, in version order")
  void everyFileIsApplied() throws Exception {
    List<String> files = files(classpathFolder());
    assertFalse(files.isEmpty());
    List<String> applied = Migrations.migrate(url, Migrations.LOCATION);
    assertEquals(versionsOf(files), applied);
    assertEquals(versionsOf(files), history("SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank"));
    assertEquals(List.of(), Migrations.migrate(url, Migrations.LOCATION), "a second start applies nothing");
  }

  @Test
  @DisplayName("a file added to the folder after the others were applied is applied at the next start")
  void addedFileIsApplied() throws Exception {
    Path folder = copyOfFolder();
    Migrations.migrate(url, "filesystem:" + folder);
    Files.writeString(folder.resolve("V900__later_addition.sql"), "CREATE TABLE later_addition (id int);");
    assertEquals(List.of("900"), Migrations.migrate(url, "filesystem:" + folder));
  }

  @Test
  @DisplayName("an applied file that was edited fails validation: the start fails, nothing is applied")
  void editedFileFailsValidation() throws Exception {
    Path folder = copyOfFolder();
    Migrations.migrate(url, "filesystem:" + folder);
    Path first = folder.resolve(files(folder).get(0));
    Files.writeString(first, Files.readString(first) + "\nCREATE TABLE sneaked_in (id int);\n");
    FlywayValidateException refused = assertThrows(FlywayValidateException.class,
        () -> Migrations.migrate(url, "filesystem:" + folder));
    assertTrue(refused.getMessage().contains("checksum mismatch"), refused.getMessage());
    assertEquals(List.of("f"), history("SELECT to_regclass('sneaked_in') IS NOT NULL"));
  }

  @Test
  @DisplayName("a database made by an earlier release is adopted: nothing re-applied, data kept, later files applied")
  void legacyDatabaseIsAdopted() throws Exception {
    List<String> files = files(classpathFolder());
    legacyMigrate(files);
    execute("INSERT INTO sessions (id, user_id, title) VALUES ('" + UUID.randomUUID() + "', 'u-old', 'kept')");

    assertEquals(List.of(), Migrations.migrate(url, Migrations.LOCATION));
    String last = versionsOf(files).get(files.size() - 1);
    assertEquals(List.of("BASELINE " + last), history("SELECT type || ' ' || version FROM flyway_schema_history"));
    assertEquals(List.of("kept"), history("SELECT title FROM sessions"));
  }

  @Test
  @DisplayName("a database of a release that had fewer files gets the missing ones")
  void olderLegacyDatabaseGetsTheRest() throws Exception {
    List<String> files = files(classpathFolder());
    legacyMigrate(files.subList(0, files.size() - 1));
    assertEquals(versionsOf(files).subList(files.size() - 1, files.size()), Migrations.migrate(url, Migrations.LOCATION));
  }

  @Test
  @DisplayName("instances adopting an earlier release's database at once record one baseline")
  void concurrentAdoption() throws Exception {
    legacyMigrate(files(classpathFolder()));
    List<CompletableFuture<List<String>>> starts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      starts.add(CompletableFuture.supplyAsync(() -> Migrations.migrate(url, Migrations.LOCATION)));
    }
    for (CompletableFuture<List<String>> start : starts) {
      assertEquals(List.of(), start.get(60, TimeUnit.SECONDS));
    }
    assertEquals(List.of("1"), history("SELECT count(*) FROM flyway_schema_history"));
  }

  @Test
  @DisplayName("a badly named file in the folder fails the start")
  void badNameIsRefused() throws Exception {
    Path folder = copyOfFolder();
    Files.writeString(folder.resolve("sessions.sql"), "SELECT 1;");
    assertThrows(RuntimeException.class, () -> Migrations.migrate(url, "filesystem:" + folder));
  }

  /** The file names of the migration folder, in version order. */
  static List<String> files(Path folder) throws IOException {
    try (Stream<Path> list = Files.list(folder)) {
      return list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql"))
          .sorted((a, b) -> Integer.compare(version(a), version(b))).toList();
    }
  }

  /** The migration folder as the build put it on the class path (target/classes). */
  static Path classpathFolder() throws URISyntaxException {
    return Paths.get(Objects.requireNonNull(Migrations.class.getClassLoader().getResource("db/migration")).toURI());
  }

  private static int version(String file) {
    return Integer.parseInt(file.substring(1, file.indexOf("__")));
  }

  private static List<String> versionsOf(List<String> files) {
    return files.stream().map(f -> Integer.toString(version(f))).toList();
  }

  private Path copyOfFolder() throws Exception {
    Path copy = Files.createTempDirectory(Paths.get("target"), "migrations-").toAbsolutePath();
    for (String file : files(classpathFolder())) {
      Files.copy(classpathFolder().resolve(file), copy.resolve(file));
    }
    return copy;
  }

  /** What the hand-kept migrator of earlier releases did: each file, then its version in schema_migrations. */
  private void legacyMigrate(List<String> files) throws Exception {
    execute("CREATE TABLE schema_migrations (version integer PRIMARY KEY, description text NOT NULL, "
        + "applied_at timestamptz NOT NULL DEFAULT now())");
    for (String file : files) {
      execute(Files.readString(classpathFolder().resolve(file), StandardCharsets.UTF_8));
      execute("INSERT INTO schema_migrations (version, description) VALUES (" + version(file) + ", '" + file + "')");
    }
  }

  private List<String> history(String sql) throws SQLException {
    try (Connection c = connect(url); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
      List<String> out = new ArrayList<>();
      while (rows.next()) {
        out.add(rows.getString(1));
      }
      return out;
    }
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = connect(url); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static void admin(String sql) throws SQLException {
    try (Connection c = connect(urlFor("postgres")); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static Connection connect(String pgUrl) throws SQLException {
    return Migrations.configure(pgUrl, Migrations.LOCATION).getDataSource().getConnection();
  }

  /** The test server's URL with another database name. */
  private static String urlFor(String name) {
    String base = TestServices.get().pgUrl();
    int query = base.indexOf('?');
    String path = query < 0 ? base : base.substring(0, query);
    return path.substring(0, path.lastIndexOf('/') + 1) + name + (query < 0 ? "" : base.substring(query));
  }
}
