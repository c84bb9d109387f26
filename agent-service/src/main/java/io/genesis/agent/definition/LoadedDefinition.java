package io.genesis.agent.definition;

/**
 * A parsed definition with where it came from and its canonical JSON (compact, as written in the
 * file), from which the registry version is hashed.
 */
public record LoadedDefinition(String source, AgentDefinition definition, String canonicalJson) {}
