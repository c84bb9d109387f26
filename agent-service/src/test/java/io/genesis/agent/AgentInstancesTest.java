package io.genesis.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.genesis.agent.registry.AgentLoader;
import io.genesis.common.bus.Messages;
import io.genesis.common.bus.Messages.ReplyRequest;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@DisplayName("The agent service, one instance per core")
class AgentInstancesTest {
  private static final ReplyRequest ASK = new ReplyRequest("u1", null, "volt", null, "I ran 10k in 50:00, what pace is that?");

  @TempDir
  Path temp;

  @Test
  @DisplayName("the instances of a deployment share one registry and one watcher; a second deployment has its own")
  void shared(Vertx vertx, VertxTestContext ctx) throws IOException {
    Path dir = Files.createDirectory(temp.resolve("agents"));
    for (String file : List.of("aura.json", "blaze.json", "nova.json", "sage.json", "stella.json", "volt.json", "wave.json")) {
      try (InputStream in = AgentLoader.class.getClassLoader().getResourceAsStream(AgentLoader.BUILT_IN_FOLDER + file)) {
        Files.write(dir.resolve(file), in.readAllBytes());
      }
    }
    List<AgentVerticle> first = new CopyOnWriteArrayList<>();
    List<AgentVerticle> second = new CopyOnWriteArrayList<>();
    DeploymentOptions options = new DeploymentOptions().setInstances(3)
        .setConfig(new JsonObject().put("agentsDir", dir.toString()));
    vertx.deployVerticle(() -> add(first), options)
        .compose(id -> vertx.deployVerticle(() -> add(second), new DeploymentOptions().setConfig(options.getConfig())))
        .onComplete(ctx.succeeding(ids -> ctx.verify(() -> {
          assertEquals(3, first.size());
          for (AgentVerticle instance : first) {
            assertSame(first.get(0).registry(), instance.registry());
            assertSame(first.get(0).watcher().orElseThrow(), instance.watcher().orElseThrow());
          }
          assertNotSame(first.get(0).registry(), second.get(0).registry());
          assertNotSame(first.get(0).watcher().orElseThrow(), second.get(0).watcher().orElseThrow());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("streams open on every instance, each on its own control address, and each completes; undeploying ends cleanly")
  void streamsOnEveryInstance(Vertx vertx, VertxTestContext ctx) {
    vertx.deployVerticle(() -> new AgentVerticle(), new DeploymentOptions().setInstances(2))
        .compose(id -> Future.all(StreamProbe.run(vertx, ASK, false), StreamProbe.run(vertx, ASK, false))
            .compose(both -> vertx.undeploy(id).map(both)))
        .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
          StreamProbe a = both.resultAt(0);
          StreamProbe b = both.resultAt(1);
          assertNotEquals(a.opened().controlAddress(), b.opened().controlAddress(), "round robin over the instances");
          for (StreamProbe probe : List.of(a, b)) {
            assertEquals(Messages.EVENT_END, probe.last.future().result().type());
            assertEquals(probe.last.future().result().result().text(), String.join("", probe.deltas));
          }
          ctx.completeNow();
        })));
  }

  private static AgentVerticle add(List<AgentVerticle> instances) {
    AgentVerticle verticle = new AgentVerticle();
    instances.add(verticle);
    return verticle;
  }
}
