package policykg;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * A Neo4j Community DBMS with Bolt on 127.0.0.1 only, for development and tests.
 *
 * <p>Usage: {@code java -cp neo4j-dev.jar:lib/* policykg.Neo4jDev HOME PORT [PAGECACHE_MB]}, with the
 * password of user {@code neo4j} in the environment variable {@code NEO4J_DEV_PASSWORD} (never on
 * the command line, where {@code ps} would show it). Authentication stays on; the password is
 * (re)applied on every start, so the credentials kept in the data directory are always the ones
 * that work. SIGTERM shuts the databases down cleanly (checkpoint, then exit).
 */
public final class Neo4jDev {
    private Neo4jDev() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Neo4jDev HOME PORT [PAGECACHE_MB]");
            System.exit(64);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        long pageCacheMb = args.length > 2 ? Long.parseLong(args[2]) : 256;
        String password = System.getenv("NEO4J_DEV_PASSWORD");
        if (password == null || password.length() < 8) {
            System.err.println("NEO4J_DEV_PASSWORD must hold a password of at least 8 characters");
            System.exit(64);
        }
        Files.createDirectories(home);

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                // No usage reports to the outside world from a development server.
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // Clients are gone when we stop; do not wait the default 5 s for them.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("policykg-neo4j-dev: shutting down");
            dbms.shutdown();
            stopped.countDown();
        }, "neo4j-dev-shutdown"));

        setPassword(dbms, password);
        System.out.println("policykg-neo4j-dev: ready on bolt://127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }

    /** Makes {@code password} the one of user neo4j, with no forced change on first login. */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        try {
            dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        } catch (RuntimeException e) {
            // Re-applying the current password is refused as "the same"; anything else is real.
            String message = String.valueOf(e.getMessage()) + " " + String.valueOf(e.getCause());
            if (!message.toLowerCase().contains("same")) {
                throw e;
            }
        }
    }
}
