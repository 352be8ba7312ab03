package io.hpo.aggregator.cli;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table with aligned columns: text left, numbers right. */
final class TextTable {
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(List<String> headers) {
        this.headers = List.copyOf(headers);
    }

    void add(List<String> row) {
        if (row.size() != headers.size()) {
            throw new IllegalArgumentException("row has " + row.size() + " cells, table " + headers.size());
        }
        rows.add(row);
    }

    String render() {
        int n = headers.size();
        int[] width = new int[n];
        boolean[] numeric = new boolean[n];
        for (int i = 0; i < n; i++) {
            width[i] = headers.get(i).length();
            numeric[i] = !rows.isEmpty();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i).length());
                numeric[i] &= r.get(i).matches("-|[-+]?[0-9][0-9.eE+-]*|NaN|-?Infinity");
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, headers, width, numeric);
        for (List<String> r : rows) {
            line(out, r, width, numeric);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells, int[] width, boolean[] numeric) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String pad = " ".repeat(width[i] - cells.get(i).length());
            l.append(i == 0 ? "" : "  ").append(numeric[i] ? pad + cells.get(i) : cells.get(i) + pad);
        }
        out.append(l.toString().stripTrailing()).append('\n');
    }
}
