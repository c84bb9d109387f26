package io.genesis.agent.registry;

import io.genesis.agent.definition.AgentDefinition;
import io.genesis.agent.definition.AgentDefinitionException;
import io.genesis.agent.definition.LoadedDefinition;
import io.genesis.common.bus.Messages.AgentList;
import io.genesis.common.bus.Messages.AgentView;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable snapshot of the agent definitions: look-up by id (without regard to case), the
 * public views in a stable order (the order the definitions were loaded in) and a {@link #version()}
 * that changes whenever any definition changes (a hash, used for ETags). A reload builds a new
 * snapshot and swaps it in whole ({@link LiveRegistry}).
 */
public final class AgentRegistry {
  private final Map<String, AgentDefinition> byId;
  private final List<AgentDefinition> definitions;
  private final List<AgentView> views;
  private final String version;

  private AgentRegistry(Map<String, AgentDefinition> byId, String version) {
    this.byId = Collections.unmodifiableMap(byId);
    this.definitions = List.copyOf(byId.values());
    this.views = definitions.stream().map(AgentDefinition::view).toList();
    this.version = version;
  }

  /**
   * Builds a snapshot from parsed files, in their order. Fails with an {@link AgentDefinitionException}
   * naming the file on an empty set, a duplicate id, or a handoff target that is not defined.
   */
  public static AgentRegistry of(List<LoadedDefinition> loaded) {
    if (loaded.isEmpty()) {
      throw new AgentDefinitionException("(none)", null, "no agent definition files found");
    }
    Map<String, AgentDefinition> byId = new LinkedHashMap<>();
    Map<String, String> sourceOf = new LinkedHashMap<>();
    for (LoadedDefinition item : loaded) {
      String id = item.definition().id();
      String previous = sourceOf.putIfAbsent(id, item.source());
      if (previous != null) {
        throw new AgentDefinitionException(item.source(), "id", "duplicate id '" + id + "', already defined in " + previous);
      }
      byId.put(id, item.definition());
    }
    for (LoadedDefinition item : loaded) {
      List<String> targets = item.definition().handoffTargets();
      for (int i = 0; i < targets.size(); i++) {
        if (!byId.containsKey(targets.get(i))) {
          throw new AgentDefinitionException(item.source(), "handoffTargets[" + i + "]",
              "no agent with id '" + targets.get(i) + "' is defined");
        }
      }
    }
    return new AgentRegistry(byId, hash(loaded));
  }

  /** The agent with this id, compared without regard to case; empty for null or unknown ids. */
  public Optional<AgentDefinition> find(String id) {
    if (id == null || id.isBlank()) {
      return Optional.empty();
    }
    return Optional.ofNullable(byId.get(id.trim().toLowerCase(Locale.ROOT)));
  }

  /** All definitions, in the stable order. */
  public List<AgentDefinition> definitions() {
    return definitions;
  }

  public List<AgentView> views() {
    return views;
  }

  /** A hash of all definitions (16 hex characters): equal for equal definitions, whatever the file order. */
  public String version() {
    return version;
  }

  /** The answer to {@code AGENT_LIST}. */
  public AgentList asAgentList() {
    return new AgentList(views, version);
  }

  public int size() {
    return byId.size();
  }

  private static String hash(List<LoadedDefinition> loaded) {
    MessageDigest digest = sha256();
    loaded.stream()
        .sorted(Comparator.comparing(item -> item.definition().id()))
        .forEach(item -> {
          digest.update(item.canonicalJson().getBytes(StandardCharsets.UTF_8));
          digest.update((byte) 0);
        });
    return HexFormat.of().formatHex(digest.digest(), 0, 8);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
