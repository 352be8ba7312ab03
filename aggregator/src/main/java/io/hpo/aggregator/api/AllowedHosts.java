package io.hpo.aggregator.api;

import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which names a request's Host header may carry, against DNS rebinding: a web page whose own name the attacker
 * re-points at this address reaches the API with that name in Host, so only names the operator gave (and
 * {@code localhost}) are served. IP literals are served too: a browser sends one only to a page loaded from that
 * very address, which no DNS answer can change, and probes and Prometheus reach a pod by its IP. A request without a
 * Host header (HTTP/1.0) comes from no browser and is served. Names compare case-insensitively, without the port.
 */
final class AllowedHosts {
    private static final Pattern IP_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|\\[[0-9a-f:.]+]");

    private final Set<String> names = new HashSet<>();

    AllowedHosts(String bindHost, Collection<String> extra) {
        names.add("localhost");
        names.add(normalise(bindHost));
        extra.forEach(h -> names.add(normalise(h)));
    }

    /** Whether the Host header's value (null when absent) names this server. */
    boolean allows(String hostHeader) {
        if (hostHeader == null) {
            return true;
        }
        String host = withoutPort(hostHeader);
        String name = normalise(host);
        return IP_LITERAL.matcher(name).matches() || names.contains(name);
    }

    /** {@code [::1]:8088} to {@code [::1]}, {@code example.org:8088} to {@code example.org}. */
    private static String withoutPort(String host) {
        int colon = host.lastIndexOf(':');
        return colon > host.lastIndexOf(']') ? host.substring(0, colon) : host;
    }

    /** Lower case, without a trailing root dot ({@code localhost.} is {@code localhost}). */
    private static String normalise(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
