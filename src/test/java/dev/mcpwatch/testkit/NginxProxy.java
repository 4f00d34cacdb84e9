package dev.mcpwatch.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real nginx (Debian's package, {@code /usr/sbin/nginx}) in front of a stable and a canary MCP
 * server, splitting requests with {@code split_clients} exactly as the canary guide configures it,
 * and adding the upstream's {@code X-Server-Version} to every response. One process (no daemon, no
 * workers), its prefix, logs and temporary files in a folder of its own, listening on loopback,
 * stopped by its PID.
 */
public final class NginxProxy implements AutoCloseable {
    static final Path BINARY = Path.of(System.getenv().getOrDefault("MCPWATCH_NGINX", "/usr/sbin/nginx"));

    private final ExternalProcess process;

    private NginxProxy(ExternalProcess process) {
        this.process = process;
    }

    /**
     * nginx sending {@code canaryPercent} % of requests to {@code canary} and the rest to
     * {@code stable} (each {@code host:port}), hashed on the client address and the request id as
     * in the guide: every request is split on its own, so one probe may meet both versions.
     */
    public static NginxProxy splitting(String stable, String canary, int canaryPercent) {
        try {
            Path dir = Files.createTempDirectory("mcpwatch-nginx-");
            int port = NpmServer.freePort();
            String conf = """
                    daemon off;
                    master_process off;
                    worker_processes 1;
                    pid %1$s/nginx.pid;
                    error_log %1$s/error.log warn;
                    events { worker_connections 64; }
                    http {
                        access_log off;
                        client_body_temp_path %1$s/body;
                        proxy_temp_path %1$s/proxy;
                        fastcgi_temp_path %1$s/fastcgi;
                        uwsgi_temp_path %1$s/uwsgi;
                        scgi_temp_path %1$s/scgi;

                        upstream mcp_stable {
                            server %2$s;
                        }
                        upstream mcp_canary {
                            server %3$s;
                        }
                        # Use split_clients for percentage-based routing
                        split_clients "${remote_addr}${request_id}" $mcp_upstream {
                            %4$d%% mcp_canary;
                            * mcp_stable;
                        }
                        server {
                            listen 127.0.0.1:%5$d;
                            location / {
                                proxy_pass http://$mcp_upstream;
                                # Inject version header so agents can see which version served them
                                add_header X-Server-Version $upstream_http_x_server_version;
                                proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                            }
                        }
                    }
                    """.formatted(dir, stable, canary, canaryPercent, port);
            Files.writeString(dir.resolve("nginx.conf"), conf);
            return new NginxProxy(ExternalProcess.start("nginx", List.of(BINARY.toString(), "-p", dir.toString(), "-c",
                    dir.resolve("nginx.conf").toString(), "-e", dir.resolve("error.log").toString()), dir, port));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + process.port() + path;
    }

    public long pid() {
        return process.pid();
    }

    public String log() {
        return process.logTail();
    }

    @Override
    public void close() {
        process.close();
    }
}
