package io.genesis.agent.definition;

/**
 * A definition file that cannot be used. The message names the file and the field, e.g.
 * {@code agent definition /etc/genesis/agents/sage.json: field 'keywords': must not be empty}.
 */
public final class AgentDefinitionException extends RuntimeException {
  private final String source;
  private final String field;

  public AgentDefinitionException(String source, String field, String problem) {
    super("agent definition " + source + ": " + (field == null ? "" : "field '" + field + "': ") + problem,
        null, false, false);
    this.source = source;
    this.field = field;
  }

  /** The file (a path, or a class-path resource name). */
  public String source() {
    return source;
  }

  /** The offending field, or null when the file as a whole is bad (not JSON, duplicate id…). */
  public String field() {
    return field;
  }
}
