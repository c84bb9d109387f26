package io.genesis.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The command line: {@code [serve SERVICE [--cluster]] | token --user ID [--roles a,b] [--ttl S]
 * | rotate-keys [--batch N] | --help}.
 */
sealed interface Cli {
  String USAGE = """
      Usage: java -jar genesis.jar [COMMAND]

      Commands:
        (none)                                   every service in one JVM (same as: serve all)
        serve SERVICE [--cluster]                gateway | agent-service | session-service | all;
                                                 --cluster joins a Hazelcast-clustered event bus
        token --user ID [--roles r1,r2] [--ttl SECONDS]
                                                 print a signed JWT (same secret as the server;
                                                 roles default to user, ttl to 3600)
        rotate-keys [--batch N]                  re-encrypt stored messages and titles under
                                                 GENESIS_ENCRYPTION_KEY (old keys listed in
                                                 GENESIS_ENCRYPTION_OLD_KEYS), N rows per
                                                 transaction (default 500); safe while servers
                                                 run on the same external database
        --help, -h                               this help

      Settings come from GENESIS_* environment variables or the file named by GENESIS_CONFIG
      (see README.md). With no GENESIS_PG_URL / GENESIS_REDIS_URL an embedded PostgreSQL and
      Redis keep their data under GENESIS_DATA_DIR (default ./data).
      """;

  record Help() implements Cli {}

  record Serve(Set<Service> services, boolean clustered) implements Cli {}

  record Token(String userId, List<String> roles, long ttlSeconds) implements Cli {}

  record RotateKeys(int batch) implements Cli {
    static final int DEFAULT_BATCH = 500;
    static final int MAX_BATCH = 10_000;
  }

  /** Thrown for a bad command line; the message names the offending word. */
  final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message, null, false, false);
    }
  }

  static Cli parse(String... args) {
    if (args.length == 0) {
      return new Serve(Service.parse("all"), false);
    }
    return switch (args[0]) {
      case "--help", "-h", "help" -> {
        expectNoMore(args, 1);
        yield new Help();
      }
      case "serve" -> parseServe(args);
      case "token" -> parseToken(args);
      case "rotate-keys" -> parseRotateKeys(args);
      default -> throw new UsageException(args[0].startsWith("-")
          ? "unknown option '" + args[0] + "'" : "unknown command '" + args[0] + "'");
    };
  }

  private static Cli parseServe(String[] args) {
    if (args.length < 2 || args[1].startsWith("-")) {
      throw new UsageException("serve needs a service: gateway, agent-service, session-service or all");
    }
    Set<Service> services = Service.parse(args[1]);
    if (services == null) {
      throw new UsageException("unknown service '" + args[1] + "'");
    }
    boolean clustered = false;
    for (int i = 2; i < args.length; i++) {
      if (args[i].equals("--cluster")) {
        clustered = true;
      } else {
        throw new UsageException("unknown option '" + args[i] + "'");
      }
    }
    return new Serve(services, clustered);
  }

  private static Cli parseToken(String[] args) {
    String user = null;
    List<String> roles = List.of("user");
    long ttl = 3600;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--user" -> user = value(args, ++i, "--user");
        case "--roles" -> roles = roles(value(args, ++i, "--roles"));
        case "--ttl" -> ttl = ttl(value(args, ++i, "--ttl"));
        default -> throw new UsageException("unknown option '" + args[i] + "'");
      }
    }
    if (user == null || user.isBlank()) {
      throw new UsageException("token needs --user ID");
    }
    return new Token(user, roles, ttl);
  }

  private static Cli parseRotateKeys(String[] args) {
    int batch = RotateKeys.DEFAULT_BATCH;
    for (int i = 1; i < args.length; i++) {
      if (!args[i].equals("--batch")) {
        throw new UsageException("unknown option '" + args[i] + "'");
      }
      String value = value(args, ++i, "--batch");
      try {
        batch = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        batch = 0;
      }
      if (batch < 1 || batch > RotateKeys.MAX_BATCH) {
        throw new UsageException("--batch must be a number of rows from 1 to " + RotateKeys.MAX_BATCH + ", got '" + value + "'");
      }
    }
    return new RotateKeys(batch);
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length || args[index].startsWith("--")) {
      throw new UsageException(option + " needs a value");
    }
    return args[index];
  }

  private static List<String> roles(String csv) {
    List<String> roles = new ArrayList<>();
    for (String role : csv.split(",")) {
      if (!role.isBlank()) {
        roles.add(role.trim());
      }
    }
    if (roles.isEmpty()) {
      throw new UsageException("--roles needs at least one role");
    }
    return List.copyOf(roles);
  }

  private static long ttl(String value) {
    try {
      long ttl = Long.parseLong(value);
      if (ttl > 0 && ttl <= 366L * 24 * 3600) {
        return ttl;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new UsageException("--ttl must be a number of seconds from 1 to 31622400, got '" + value + "'");
  }

  private static void expectNoMore(String[] args, int from) {
    if (args.length > from) {
      throw new UsageException("unknown option '" + args[from] + "'");
    }
  }
}
