package io.genesis.common.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("State shared by the instances of one deployment")
class PerDeploymentTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Joins on start, leaves on stop, and records what it was told. */
  private static final class Member extends VerticleBase {
    private final List<PerDeployment.Joined<Object>> joins;
    private final List<Boolean> leaves;
    private final AtomicInteger built;

    Member(List<PerDeployment.Joined<Object>> joins, List<Boolean> leaves, AtomicInteger built) {
      this.joins = joins;
      this.leaves = leaves;
      this.built = built;
    }

    @Override
    public Future<?> start() {
      joins.add(PerDeployment.join(vertx, "test.shared", context, () -> {
        built.incrementAndGet();
        return new Object();
      }));
      return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
      leaves.add(PerDeployment.leave(vertx, "test.shared", context));
      return Future.succeededFuture();
    }
  }

  private String deploy(List<PerDeployment.Joined<Object>> joins, List<Boolean> leaves, AtomicInteger built) throws Exception {
    return vertx.deployVerticle(() -> new Member(joins, leaves, built), new DeploymentOptions().setInstances(3))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("three instances: built once, one first, the same object; only the last to leave is told so")
  void oneDeployment() throws Exception {
    List<PerDeployment.Joined<Object>> joins = new CopyOnWriteArrayList<>();
    List<Boolean> leaves = new CopyOnWriteArrayList<>();
    AtomicInteger built = new AtomicInteger();
    String id = deploy(joins, leaves, built);

    assertEquals(1, built.get());
    assertEquals(1, joins.stream().filter(PerDeployment.Joined::first).count());
    joins.forEach(joined -> assertSame(joins.get(0).shared(), joined.shared()));

    vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(List.of(false, false, true), leaves.stream().sorted().toList());
  }

  @Test
  @DisplayName("two deployments never share, and a new deployment after the last left builds afresh")
  void deploymentsApart() throws Exception {
    List<PerDeployment.Joined<Object>> first = new CopyOnWriteArrayList<>();
    List<PerDeployment.Joined<Object>> second = new CopyOnWriteArrayList<>();
    List<Boolean> leaves = new CopyOnWriteArrayList<>();
    AtomicInteger built = new AtomicInteger();
    String a = deploy(first, leaves, built);
    deploy(second, leaves, built);
    assertEquals(2, built.get());
    assertNotSame(first.get(0).shared(), second.get(0).shared());

    vertx.undeploy(a).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    List<PerDeployment.Joined<Object>> third = new CopyOnWriteArrayList<>();
    deploy(third, leaves, built);
    assertEquals(3, built.get());
  }
}
