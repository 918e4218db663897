package newsfacet.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.transport.Netty4Plugin;

/**
 * One node of a local OpenSearch cluster, started from the server jar with the HTTP transport and the
 * common analysis module on the classpath. Usage: ClusterNode HOME NAME HTTP_PORT TRANSPORT_PORT SEEDS
 * MANAGERS, where SEEDS are the transport addresses of all nodes and MANAGERS the names of the nodes
 * that elect the first cluster manager (both comma-separated).
 */
public final class ClusterNode {
    private ClusterNode() {}

    private static final class LocalNode extends Node {
        LocalNode(Settings settings) {
            super(
                InternalSettingsPreparer.prepareEnvironment(settings, Collections.emptyMap(), null, () -> settings.get("node.name")),
                List.of(Netty4Plugin.class, CommonAnalysisPlugin.class),
                true
            );
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: ClusterNode HOME NAME HTTP_PORT TRANSPORT_PORT SEEDS MANAGERS");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Files.createDirectories(home.resolve("config"));
        Settings.Builder settings = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("cluster.name", "newsfacet-local")
            .put("node.name", args[1])
            .put("network.host", "127.0.0.1")
            .put("http.port", args[2])
            .put("transport.port", args[3])
            .putList("discovery.seed_hosts", List.of(args[4].split(",")))
            .putList("cluster.initial_cluster_manager_nodes", List.of(args[5].split(",")))
            .put("http.type", "netty4")
            .put("transport.type", "netty4")
            .put("cluster.routing.allocation.disk.threshold_enabled", false);
        Node node = new LocalNode(settings.build());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }));
        node.start();
        Thread.currentThread().join();
    }
}
