package io.hpo.space.spec;

/**
 * A search spec that cannot be used. The message reads {@code origin:line:column: reason} (1-based), the form
 * editors and terminals turn into a link to the offending spot.
 */
public class SpecException extends RuntimeException {

    private final String origin;
    private final int line;
    private final int column;
    private final String reason;

    public SpecException(String origin, int line, int column, String reason) {
        super(origin + ":" + line + ":" + column + ": " + reason);
        this.origin = origin;
        this.line = line;
        this.column = column;
        this.reason = reason;
    }

    public String origin() {
        return origin;
    }

    /** 1-based line of the offending node. */
    public int line() {
        return line;
    }

    /** 1-based column of the offending node. */
    public int column() {
        return column;
    }

    /** What is wrong, without the position. */
    public String reason() {
        return reason;
    }
}
