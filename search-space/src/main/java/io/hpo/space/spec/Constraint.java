package io.hpo.space.spec;

import io.hpo.space.Hyperparameter;
import io.hpo.space.Hyperparameters;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A condition every sampled configuration must meet, written {@code a OP b} with OP one of
 * {@code == != < <= > >=}, or {@code a % b == 0} (divisibility of integers). Operands are hyperparameter names or
 * numbers, for example {@code width % heads == 0}, {@code heads <= layers}, {@code warmup_steps < 100}.
 */
public final class Constraint implements Serializable {

    // declared before the constant below: static initialisers run in order
    private static final Pattern TOKEN = Pattern.compile(
            "\\s*(?:([A-Za-z_][A-Za-z0-9_]*)|([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)|(==|!=|<=|>=|<|>|%))");

    /** The model splits width evenly across heads, so this one always applies, written or not. */
    public static final Constraint WIDTH_DIVISIBLE_BY_HEADS = parse("width % heads == 0");

    private enum Relation {
        EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">=");

        final String symbol;

        Relation(String symbol) {
            this.symbol = symbol;
        }

        boolean test(double a, double b) {
            return switch (this) {
                case EQ -> a == b;
                case NE -> a != b;
                case LT -> a < b;
                case LE -> a <= b;
                case GT -> a > b;
                case GE -> a >= b;
            };
        }

        static Relation of(String symbol) {
            for (Relation r : values()) {
                if (r.symbol.equals(symbol)) {
                    return r;
                }
            }
            return null;
        }
    }

    /** A hyperparameter name, or a constant when name is null. */
    private record Operand(String name, double constant) implements Serializable {
        double valueIn(Map<String, ?> values) {
            if (name == null) {
                return constant;
            }
            Object v = values.get(name);
            if (!(v instanceof Number n)) {
                throw new IllegalArgumentException("constraint needs a numeric value for '" + name + "', got " + v);
            }
            return n.doubleValue();
        }

        @Override
        public String toString() {
            return name != null ? name : Hyperparameter.format(constant);
        }
    }

    private final String text;
    private final Operand left;
    /** Set only for the form {@code left % divisor == 0}. */
    private final Operand divisor;
    private final Relation relation;
    private final Operand right;

    private Constraint(String text, Operand left, Operand divisor, Relation relation, Operand right) {
        this.text = text;
        this.left = left;
        this.divisor = divisor;
        this.relation = relation;
        this.right = right;
    }

    /** Parses a constraint; IllegalArgumentException says what is wrong with it. */
    public static Constraint parse(String text) {
        List<String> tokens = tokenize(text);
        String normal = String.join(" ", tokens);
        if (tokens.size() == 5 && tokens.get(1).equals("%")) {
            Relation relation = Relation.of(tokens.get(3));
            Operand zero = operand(tokens.get(4), text);
            if (relation != Relation.EQ || zero.name() != null || zero.constant() != 0) {
                throw new IllegalArgumentException("'%' only works as 'a % b == 0', got '" + text + "'");
            }
            Operand a = integerOperand(tokens.get(0), text);
            Operand b = integerOperand(tokens.get(2), text);
            requireName(text, a, b);
            return new Constraint(normal, a, b, relation, zero);
        }
        if (tokens.size() != 3 || Relation.of(tokens.get(1)) == null) {
            throw new IllegalArgumentException("cannot read constraint '" + text
                    + "': write 'a OP b' with OP one of == != < <= > >=, or 'a % b == 0'");
        }
        Operand a = operand(tokens.get(0), text);
        Operand b = operand(tokens.get(2), text);
        requireName(text, a, b);
        return new Constraint(normal, a, null, Relation.of(tokens.get(1)), b);
    }

    /** Whether the configuration meets this constraint. */
    public boolean test(Hyperparameters hp) {
        return test(hp.toMap());
    }

    /** Whether values (snake_case name to number) meet this constraint; they must hold every name it uses. */
    public boolean test(Map<String, ?> values) {
        double a = left.valueIn(values);
        if (divisor != null) {
            double b = divisor.valueIn(values);
            return b != 0 && a % b == 0;
        }
        return relation.test(a, right.valueIn(values));
    }

    /** The hyperparameter names this constraint reads. */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        for (Operand o : divisor == null ? List.of(left, right) : List.of(left, divisor)) {
            if (o.name() != null) {
                names.add(o.name());
            }
        }
        return names;
    }

    /** The constraint in normal form: tokens separated by single spaces; parses back to an equal constraint. */
    public String text() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Constraint c && c.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }

    private static List<String> tokenize(String text) {
        List<String> tokens = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        int at = 0;
        while (at < text.length()) {
            m.region(at, text.length());
            if (!m.lookingAt()) {
                if (text.substring(at).isBlank()) {
                    break;
                }
                int bad = at;
                while (Character.isWhitespace(text.charAt(bad))) {
                    bad++;
                }
                throw new IllegalArgumentException("unexpected '" + text.charAt(bad) + "' at position " + (bad + 1)
                        + " of constraint '" + text + "'");
            }
            tokens.add(m.group().trim());
            at = m.end();
        }
        return tokens;
    }

    private static Operand operand(String token, String text) {
        if (Character.isLetter(token.charAt(0)) || token.charAt(0) == '_') {
            if (!Hyperparameter.NAMES.contains(token)) {
                throw new IllegalArgumentException("unknown hyperparameter '" + token + "' in constraint '" + text
                        + "'" + Suggestions.hint(token, Hyperparameter.NAMES));
            }
            if (Hyperparameter.forName(token).kind() == Hyperparameter.Kind.NAME) {
                throw new IllegalArgumentException("'" + token + "' is not numeric; constraints compare numbers");
            }
            return new Operand(token, 0);
        }
        if (Relation.of(token) != null || token.equals("%")) {
            throw new IllegalArgumentException("expected a hyperparameter name or a number in constraint '" + text
                    + "', got '" + token + "'");
        }
        return new Operand(null, Double.parseDouble(token));
    }

    private static Operand integerOperand(String token, String text) {
        Operand o = operand(token, text);
        boolean integral = o.name() != null
                ? Hyperparameter.forName(o.name()).kind() == Hyperparameter.Kind.INTEGER
                : o.constant() == Math.rint(o.constant());
        if (!integral) {
            throw new IllegalArgumentException("'%' needs integers, got '" + token + "' in '" + text + "'");
        }
        return o;
    }

    private static void requireName(String text, Operand a, Operand b) {
        if (a.name() == null && b.name() == null) {
            throw new IllegalArgumentException("constraint '" + text + "' compares two numbers; name a hyperparameter");
        }
    }
}
