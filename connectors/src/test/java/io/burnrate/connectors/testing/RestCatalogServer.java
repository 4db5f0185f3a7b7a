package io.burnrate.connectors.testing;

import io.burnrate.connectors.iceberg.CatalogConfig;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.rest.RESTCatalogAdapter;
import org.apache.iceberg.rest.RESTCatalogServlet;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real Iceberg REST catalog server for tests, bound to 127.0.0.1 on a free port: Iceberg's own
 * REST protocol implementation ({@code RESTCatalogServlet} over {@code RESTCatalogAdapter}, from
 * {@code iceberg-core}'s test jar; the same pair that Iceberg's {@code RESTCatalogServer} fixture
 * and the {@code apache/iceberg-rest-fixture} image serve) in a Jetty 12 server of our own, because
 * that fixture binds every interface and logs its catalog properties (secrets included). Behind it,
 * any Iceberg catalog: here a JDBC catalog whose tables live where its {@code warehouse} says (e.g.
 * {@code s3://...} with S3FileIO). A test fixture, not a production catalog server.
 */
public final class RestCatalogServer implements AutoCloseable {
  private final Catalog backend;
  private final Server server;
  private final ServerConnector connector;

  /**
   * @param backendProperties the catalog behind the REST API ({@code catalog-impl}, {@code uri},
   *     {@code warehouse}, {@code io-impl}, {@code s3.*}, ...)
   */
  public RestCatalogServer(Map<String, String> backendProperties) throws Exception {
    // the servlet logs every error response it sends (a 404 for each table that does not exist
    // yet) with a stack trace at ERROR: the client receives them, the test log need not
    Configurator.setLevel(RESTCatalogServlet.class.getName(), Level.OFF);
    backend =
        CatalogUtil.buildIcebergCatalog("rest_backend", backendProperties, new Configuration());
    server = new Server();
    connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(
        new ServletHolder(new RESTCatalogServlet(new RESTCatalogAdapter(backend))), "/*");
    server.setHandler(context);
    server.start();
  }

  /**
   * A REST catalog over a JDBC catalog on SQLite in {@code sqliteFile}, tables under {@code
   * warehouse}; {@code fileIo} adds file IO properties (e.g. {@link
   * S3ProxyServer#icebergProperties}), and S3FileIO is used for an {@code s3://} warehouse.
   */
  public static RestCatalogServer overSqlite(
      java.nio.file.Path sqliteFile, String warehouse, Map<String, String> fileIo)
      throws Exception {
    Map<String, String> p = new java.util.HashMap<>(fileIo);
    p.put("catalog-impl", "org.apache.iceberg.jdbc.JdbcCatalog");
    p.put("uri", "jdbc:sqlite:" + sqliteFile.toAbsolutePath());
    p.put("jdbc.schema-version", "V1");
    p.put("warehouse", warehouse);
    if (CatalogConfig.isS3(warehouse)) {
      p.put("io-impl", CatalogConfig.S3_FILE_IO);
    }
    return new RestCatalogServer(p);
  }

  /** {@code http://127.0.0.1:PORT}: the catalog's {@code uri}. */
  public String uri() {
    return "http://127.0.0.1:" + connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    server.stop();
    if (backend instanceof AutoCloseable c) {
      c.close();
    }
  }
}
