package io.hpo.space.spec;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the driver posts a summary of the search when it ends. The URL is recorded with the spec and shown on the
 * dashboard, so it carries no credentials; deliveries are signed with a secret from the driver's settings instead.
 *
 * @param webhook absolute http: or https: URL without user info
 * @param endings which of {@link #ENDINGS} are posted
 */
public record NotifySpec(String webhook, List<String> endings) implements Serializable {
    /**
     * Every way a search ends: the driver's {@code SearchStatus} names, lower-cased (a driver test keeps the two
     * lists equal; this module cannot see that enum).
     */
    public static final List<String> ENDINGS =
            List.of("completed", "wall_time_exceeded", "budget_exhausted", "cancelled", "failed");

    public NotifySpec {
        Objects.requireNonNull(webhook, "webhook");
        endings = List.copyOf(endings);
        if (endings.isEmpty() || !ENDINGS.containsAll(endings)) {
            throw new IllegalArgumentException("endings must be some of " + ENDINGS + ", got " + endings);
        }
    }

    /** Whether a search that ended with {@code status} (a search status name, any case) is posted. */
    public boolean posts(String status) {
        return endings.contains(status.toLowerCase(Locale.ROOT));
    }
}
