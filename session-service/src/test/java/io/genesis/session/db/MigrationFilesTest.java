package io.genesis.session.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Migration files")
class MigrationFilesTest {

  @Test
  @DisplayName("every listed file is on the classpath, named V<n>__<description>.sql, in increasing version order")
  void filesParseInOrder() {
    List<Migrations.Migration> all = Migrations.FILES.stream().map(Migrations::read).toList();
    for (int i = 0; i < all.size(); i++) {
      // Versions increase but may skip one that another branch is adding.
      assertTrue(i == 0 ? all.get(i).version() == 1 : all.get(i).version() > all.get(i - 1).version(), all.get(i).description());
      assertTrue(all.get(i).sql().contains("CREATE") || all.get(i).sql().contains("ALTER"), all.get(i).description());
    }
    assertEquals("sessions and messages", all.get(0).description());
  }

  @Test
  @DisplayName("a badly named file is refused")
  void badName() {
    assertThrows(IllegalStateException.class, () -> Migrations.read("sessions.sql"));
  }
}
