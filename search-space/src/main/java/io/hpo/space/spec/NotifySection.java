package io.hpo.space.spec;

import org.yaml.snakeyaml.nodes.Node;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the spec's {@code notify:} section: {@code webhook} (required) and {@code endings} (default every ending).
 * The list is called {@code endings}, not {@code on}, because YAML 1.1 readers (PyYAML, yamllint) take a bare
 * {@code on} for the boolean true.
 */
final class NotifySection {
    static final List<String> KEYS = List.of("webhook", "endings");

    private final NodeReader reader;

    NotifySection(NodeReader reader) {
        this.reader = reader;
    }

    /** The section at {@code node}, or null when it is absent or empty. */
    NotifySpec parse(Node node) {
        if (node == null || reader.isNull(node)) {
            return null;
        }
        NodeReader.Mapping m = reader.mapping(node, "notify");
        for (String key : m.keys()) {
            if (key.equals("on")) {
                throw reader.error(m.keyNode(key), "unknown key 'on' in notify; the endings to post are listed "
                        + "under 'endings' (YAML 1.1 reads a bare on as true)");
            }
        }
        m = reader.mapping(node, "notify", KEYS);
        String webhook = webhook(m.require("webhook"));
        List<String> endings = m.value("endings").map(this::endings).orElse(NotifySpec.ENDINGS);
        return new NotifySpec(webhook, endings);
    }

    private String webhook(Node node) {
        String text = reader.text(node, "notify.webhook").trim();
        if (text.length() > SpecLimits.MAX_WEBHOOK_LENGTH) {
            throw reader.error(node, "notify.webhook has at most " + SpecLimits.MAX_WEBHOOK_LENGTH
                    + " characters, got " + text.length());
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw reader.error(node, "notify.webhook '" + NodeReader.excerpt(text) + "' is not a valid URL: "
                    + e.getReason() + " at character " + (e.getIndex() + 1));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw reader.error(node, "notify.webhook must be an http: or https: URL, got '"
                    + NodeReader.excerpt(text) + "'");
        }
        if (uri.getHost() == null) {
            throw reader.error(node, "notify.webhook '" + NodeReader.excerpt(text) + "' names no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw reader.error(node, "notify.webhook must not carry a user name or password: the spec is recorded "
                    + "with the search and shown on the dashboard; deliveries are signed with the driver's "
                    + "hpo.driver.notify.secret instead");
        }
        return text;
    }

    private List<String> endings(Node node) {
        List<String> endings = new ArrayList<>();
        for (Node item : reader.sequence(node, "notify.endings")) {
            String ending = reader.oneOf(item, "a notify ending", NotifySpec.ENDINGS);
            if (!endings.contains(ending)) {
                endings.add(ending);
            }
        }
        if (endings.isEmpty()) {
            throw reader.error(node, "notify.endings names no ending; leave notify out to post nothing");
        }
        return endings;
    }
}
