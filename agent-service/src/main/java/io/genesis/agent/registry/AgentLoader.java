package io.genesis.agent.registry;

import io.genesis.agent.definition.AgentDefinitionException;
import io.genesis.agent.definition.AgentDefinitionParser;
import io.genesis.agent.definition.LoadedDefinition;
import io.genesis.common.config.ConfigException;
import io.genesis.common.json.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads agent definitions: the built-in ones shipped in the jar ({@code agents/index.json} lists the
 * files, in display order), or every {@code *.json} file of a directory, in file-name order.
 * Nothing here blocks an event loop: class-path reads and parsing run in {@code executeBlocking},
 * directory reads use the asynchronous file system.
 */
public final class AgentLoader {
  /** Class-path folder of the built-in definitions. */
  public static final String BUILT_IN_FOLDER = "agents/";
  /** Class-path resource listing the built-in definition files, e.g. {@code ["blaze.json", …]}. */
  public static final String BUILT_IN_INDEX = BUILT_IN_FOLDER + "index.json";
  /** The definition files of a directory (a {@code readDir} filter, matched against the whole file name). */
  static final String JSON_FILES = ".*\\.json";

  private AgentLoader() {}

  /** Loads from {@code agentsDir}, or the built-in definitions when it is null or blank. */
  public static Future<AgentRegistry> load(Vertx vertx, String agentsDir) {
    return agentsDir == null || agentsDir.isBlank()
        ? vertx.executeBlocking(AgentLoader::builtIn, false)
        : loadDirectory(vertx, agentsDir.trim());
  }

  /** Blocking: reads the built-in definitions from the class path. Call on a worker thread or before Vert.x starts. */
  public static AgentRegistry builtIn() {
    String[] files = Json.fromBytes(readResource(BUILT_IN_INDEX), String[].class);
    List<LoadedDefinition> loaded = new ArrayList<>();
    for (String file : files) {
      String resource = BUILT_IN_FOLDER + file;
      loaded.add(AgentDefinitionParser.parse(resource, readResource(resource)));
    }
    return AgentRegistry.of(loaded);
  }

  /** Reads every {@code *.json} file of {@code dir}; fails naming the directory, or the file and field. */
  public static Future<AgentRegistry> loadDirectory(Vertx vertx, String dir) {
    FileSystem fs = vertx.fileSystem();
    return fs.exists(dir)
        .compose(exists -> exists ? fs.props(dir) : Future.failedFuture(
            new ConfigException("GENESIS_AGENTS_DIR", "directory '" + dir + "' does not exist")))
        .compose(props -> props.isDirectory() ? fs.readDir(dir, JSON_FILES) : Future.failedFuture(
            new ConfigException("GENESIS_AGENTS_DIR", "'" + dir + "' is not a directory")))
        .compose(paths -> readAll(fs, dir, paths.stream().sorted().toList()))
        .compose(files -> vertx.executeBlocking(() -> parseAll(files), false));
  }

  private static Future<List<SourceFile>> readAll(FileSystem fs, String dir, List<String> paths) {
    if (paths.isEmpty()) {
      return Future.failedFuture(new ConfigException("GENESIS_AGENTS_DIR", "no *.json files in '" + dir + "'"));
    }
    List<Future<SourceFile>> reads = paths.stream()
        .map(path -> fs.readFile(path).map(buffer -> new SourceFile(path, buffer)))
        .toList();
    return Future.all(reads).map(all -> all.<SourceFile>list());
  }

  private static AgentRegistry parseAll(List<SourceFile> files) {
    List<LoadedDefinition> loaded = new ArrayList<>();
    for (SourceFile file : files) {
      loaded.add(AgentDefinitionParser.parse(file.path(), file.content().getBytes()));
    }
    return AgentRegistry.of(loaded);
  }

  private static byte[] readResource(String name) {
    ClassLoader loader = AgentLoader.class.getClassLoader();
    try (InputStream in = loader.getResourceAsStream(name)) {
      if (in == null) {
        throw new AgentDefinitionException("classpath:" + name, null, "missing from the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read classpath:" + name, e);
    }
  }

  /** A file's path (as given by the file system) and content. */
  private record SourceFile(String path, Buffer content) {}
}
