package io.hpo.aggregator.store;

import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** JDBC URLs as logs and messages show them: without the credentials a URL may carry. */
public final class JdbcUrls {
    /** {@code user:password@} after the {@code //} of the authority. */
    private static final Pattern USER_INFO = Pattern.compile("(?<=//)[^/?#@]*@");
    /** Query parameters holding secrets: password, sslpassword and anything naming a secret or a token. */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i)password|secret|token");

    private JdbcUrls() {
    }

    /** {@code url} without user info and without any parameter whose name says it is a secret. */
    public static String redacted(String url) {
        String withoutUser = USER_INFO.matcher(url).replaceFirst("");
        int query = withoutUser.indexOf('?');
        if (query < 0) {
            return withoutUser;
        }
        String kept = Arrays.stream(withoutUser.substring(query + 1).split("&"))
                .filter(p -> !SECRET_NAME.matcher(p.contains("=") ? p.substring(0, p.indexOf('=')) : p).find())
                .collect(Collectors.joining("&"));
        return withoutUser.substring(0, query) + (kept.isEmpty() ? "" : "?" + kept);
    }

    /** {@code text} (an error message; the driver's may quote the URL) with {@code url} in it redacted. */
    public static String redactedIn(String text, String url) {
        return text == null ? null : text.replace(url, redacted(url));
    }
}
