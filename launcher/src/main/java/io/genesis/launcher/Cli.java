package io.genesis.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The command line: {@code [serve SERVICE [--cluster]] | token --user ID [--roles a,b] [--ttl S]
 * | rotate-keys [--batch N] | --help}; {@code --help} (or {@code -h}) after a command asks for that command's usage.
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
        databases                                only the embedded PostgreSQL and Redis (data
                                                 under GENESIS_DATA_DIR), printing their URLs, for
                                                 services started apart (a cluster on one machine)
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

  String SERVE_USAGE = """
      Usage: java -jar genesis.jar serve SERVICE [--cluster]

        SERVICE                                  gateway | agent-service | session-service | all
        --cluster                                join a Hazelcast-clustered event bus over TCP
                                                 (members from GENESIS_CLUSTER_MEMBERS, required;
                                                 this member on GENESIS_CLUSTER_HOST)
        --help, -h                               this help

      Settings come from GENESIS_* environment variables or the file named by GENESIS_CONFIG
      (see README.md).
      """;

  String TOKEN_USAGE = """
      Usage: java -jar genesis.jar token --user ID [--roles r1,r2] [--ttl SECONDS]

      Prints a JWT signed with the server's HS256 secret (GENESIS_JWT_SECRET, else the one generated
      in GENESIS_DATA_DIR).
        --user ID                                the sub claim (required)
        --roles r1,r2                            the roles claim (default: user)
        --ttl SECONDS                            lifetime, 1 to 31622400 (default: 3600)
        --help, -h                               this help
      """;

  String ROTATE_KEYS_USAGE = """
      Usage: java -jar genesis.jar rotate-keys [--batch N]

      Re-encrypts stored messages and session titles under GENESIS_ENCRYPTION_KEY; values still under
      a key listed in GENESIS_ENCRYPTION_OLD_KEYS are read with it. Safe while servers run on the same
      external database.
        --batch N                                rows per transaction, 1 to 10000 (default: 500)
        --help, -h                               this help
      """;

  /** {@code --help}: the usage of {@code command} (null: of the whole launcher). */
  record Help(String command) implements Cli {
    Help() {
      this(null);
    }

    String usage() {
      return command == null ? USAGE : switch (command) {
        case "serve" -> SERVE_USAGE;
        case "token" -> TOKEN_USAGE;
        case "rotate-keys" -> ROTATE_KEYS_USAGE;
        default -> USAGE;
      };
    }
  }

  record Serve(Set<Service> services, boolean clustered) implements Cli {}

  record Token(String userId, List<String> roles, long ttlSeconds) implements Cli {}

  /** The embedded PostgreSQL and Redis alone, until stopped. */
  record Databases() implements Cli {}

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
    if ((args[0].equals("serve") || args[0].equals("token") || args[0].equals("rotate-keys")) && asksForHelp(args)) {
      return new Help(args[0]);
    }
    return switch (args[0]) {
      case "--help", "-h", "help" -> {
        expectNoMore(args, 1);
        yield new Help();
      }
      case "serve" -> parseServe(args);
      case "token" -> parseToken(args);
      case "rotate-keys" -> parseRotateKeys(args);
      case "databases" -> {
        expectNoMore(args, 1);
        yield new Databases();
      }
      default -> throw new UsageException(args[0].startsWith("-")
          ? "unknown option '" + args[0] + "'" : "unknown command '" + args[0] + "'");
    };
  }

  /** {@code --help} or {@code -h} anywhere after the command, where an option could stand. */
  private static boolean asksForHelp(String[] args) {
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--help") || args[i].equals("-h")) {
        return true;
      }
    }
    return false;
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
