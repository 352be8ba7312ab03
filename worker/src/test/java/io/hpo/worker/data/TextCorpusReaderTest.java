package io.hpo.worker.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextCorpusReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsTheFilesOfAFolderInPathOrderWithoutBlankLinesOrHiddenFiles() throws IOException {
        Files.writeString(dir.resolve("b.txt"), "third\n\nfourth\n");
        Files.writeString(dir.resolve("a.txt"), "first\r\n  second  \n");
        Files.writeString(dir.resolve(".hidden"), "never\n");
        assertEquals(List.of("first", "second", "third", "fourth"), TextCorpusReader.readLines(dir));
        assertEquals("first\r\n  second  \nthird\n\nfourth\n", TextCorpusReader.readText(dir));
        assertEquals(List.of("third", "fourth"), TextCorpusReader.readLines(dir.resolve("b.txt")));
    }

    @Test
    void emptyInputIsAnErrorNamingThePath() throws IOException {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> TextCorpusReader.readLines(dir));
        assertTrue(none.getMessage().contains(dir.toString()), none.getMessage());
        Files.writeString(dir.resolve("blank.txt"), " \n\n");
        IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
                () -> TextCorpusReader.readText(dir));
        assertTrue(blank.getMessage().contains(dir.toString()), blank.getMessage());
    }

    @Test
    void sparkReadsTheSameAsTheLocalReader() throws IOException {
        Files.writeString(dir.resolve("b.txt"), "will the cat run ?\n");
        Files.writeString(dir.resolve("a.txt"), "the cat can run .\nthe dog can sleep .\n");
        SparkConf conf = new SparkConf().setMaster("local[1]").setAppName("corpus-reader-test")
                .set("spark.ui.enabled", "false");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            assertEquals(TextCorpusReader.readLines(dir), TextCorpusReader.readLines(sc, dir.toUri().toString()));
            assertEquals(TextCorpusReader.readText(dir), TextCorpusReader.readText(sc, dir.toString()));
            Path empty = Files.createDirectory(dir.resolve("empty"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TextCorpusReader.readLines(sc, empty.toString()));
            assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
        }
    }
}
