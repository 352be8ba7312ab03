package io.hpo.worker.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.spark.api.java.JavaSparkContext;

import scala.Tuple2;

/**
 * Reads a training corpus: one file or every file of a folder, in path order so that the same input always gives
 * the same text. Through Spark for anything Spark can read (local, HDFS, S3 URIs); from the local disk for tests.
 */
public final class TextCorpusReader {

    private TextCorpusReader() {
    }

    /** All files under {@code pathOrUri}, each as (path, content), read with Spark and sorted by path. */
    public static List<Map.Entry<String, String>> readFiles(JavaSparkContext sc, String pathOrUri) {
        List<Tuple2<String, String>> files;
        try {
            files = sc.wholeTextFiles(pathOrUri).collect();
        } catch (Exception e) {
            // Hadoop's input errors (a missing path, a refused read) arrive as checked exceptions Scala does not declare
            throw new DataException(pathOrUri + ": cannot read the corpus: " + rootMessage(e), e);
        }
        return requireText(pathOrUri, files.stream()
                .map(f -> Map.entry(f._1(), f._2()))
                .sorted(Map.Entry.comparingByKey())
                .toList());
    }

    /** The non-blank lines of every file, files in path order. */
    public static List<String> readLines(JavaSparkContext sc, String pathOrUri) {
        return nonBlankLines(readFiles(sc, pathOrUri));
    }

    /** The files' contents concatenated in path order, for corpora that are one running text. */
    public static String readText(JavaSparkContext sc, String pathOrUri) {
        return concatenate(readFiles(sc, pathOrUri));
    }

    /** Like {@link #readFiles(JavaSparkContext, String)} without Spark: a local file or the files of a folder. */
    public static List<Map.Entry<String, String>> readFiles(Path path) {
        if (!Files.exists(path)) {
            throw new DataException(path + ": cannot read the corpus: no such file or folder");
        }
        try (Stream<Path> listing = Files.isDirectory(path) ? Files.list(path) : Stream.of(path)) {
            List<Path> files = listing
                    .filter(Files::isRegularFile)
                    .filter(p -> !isHidden(p))
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
            return requireText(path.toString(), files.stream()
                    .map(p -> Map.entry(p.toString(), readUtf8(p)))
                    .toList());
        } catch (IOException e) {
            throw new DataException(path + ": cannot read the corpus: " + e, e);
        }
    }

    public static List<String> readLines(Path path) {
        return nonBlankLines(readFiles(path));
    }

    public static String readText(Path path) {
        return concatenate(readFiles(path));
    }

    /** Hadoop's input formats skip these too, so local and Spark reads see the same files. */
    private static boolean isHidden(Path p) {
        String name = p.getFileName().toString();
        return name.startsWith(".") || name.startsWith("_");
    }

    /** Malformed bytes become U+FFFD, as Hadoop's {@code Text} decodes them, so both reads see the same text. */
    private static String readUtf8(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataException(p + ": cannot read the corpus file: " + e, e);
        }
    }

    private static List<Map.Entry<String, String>> requireText(String where, List<Map.Entry<String, String>> files) {
        if (files.stream().allMatch(f -> f.getValue().isBlank())) {
            throw new DataException(where + ": no text found in the corpus"
                    + (files.isEmpty() ? " (no files)" : " (" + files.size() + " empty files)"));
        }
        files.forEach(f -> requireUtf8Text(f.getKey(), f.getValue()));
        return files;
    }

    /**
     * A U+FFFD is what decoding left of bytes that are not UTF-8; a NUL does not occur in text. Either means the file
     * is not a UTF-8 text corpus, and training on it would learn noise.
     */
    private static void requireUtf8Text(String file, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\uFFFD' || c == '\u0000') {
                int line = 1;
                int lineStart = 0;
                for (int j = 0; j < i; j++) {
                    if (text.charAt(j) == '\n') {
                        line++;
                        lineStart = j + 1;
                    }
                }
                throw new DataException(file + ":" + line + ":" + (i - lineStart + 1) + ": "
                        + (c == '\u0000' ? "binary data (a NUL byte)" : "bytes that are not UTF-8")
                        + "; the corpus must be UTF-8 text");
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    /** Never empty: {@link #requireText} has seen a non-blank file. */
    private static List<String> nonBlankLines(List<Map.Entry<String, String>> files) {
        return files.stream()
                .flatMap(f -> Arrays.stream(f.getValue().split("\\R")))
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .toList();
    }

    private static String concatenate(List<Map.Entry<String, String>> files) {
        StringBuilder sb = new StringBuilder();
        files.forEach(f -> sb.append(f.getValue()));
        return sb.toString();
    }
}
