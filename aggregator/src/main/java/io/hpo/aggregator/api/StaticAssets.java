package io.hpo.aggregator.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's files, packed in the jar under {@code /dashboard/}: nothing is fetched from elsewhere at run
 * time. Names are looked up in a fixed list, so no request path can reach other resources.
 */
final class StaticAssets {
    static final String PREFIX = "assets";
    static final String INDEX = "index.html";
    private static final String ROOT = "/dashboard/";
    private static final Map<String, String> FILES = Map.of(
            INDEX, "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "charts.js", "text/javascript; charset=utf-8",
            "spaceviews.js", "text/javascript; charset=utf-8",
            "style.css", "text/css; charset=utf-8");

    record Asset(byte[] bytes, String contentType) {
    }

    private StaticAssets() {
    }

    static Optional<Asset> load(String name) {
        String type = FILES.get(name);
        if (type == null) {
            return Optional.empty();
        }
        try (InputStream in = StaticAssets.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard file " + name + " is missing from the jar");
            }
            return Optional.of(new Asset(in.readAllBytes(), type));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
