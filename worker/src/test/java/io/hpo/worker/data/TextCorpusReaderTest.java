package io.hpo.worker.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
    void bytesThatAreNotUtf8OrBinaryAreAnErrorNamingFileLineAndColumn() throws IOException {
        Path latin1 = Files.write(dir.resolve("latin1.txt"), "ok\ncaf\u00e9 au lait\n".getBytes(StandardCharsets.ISO_8859_1));
        DataException notUtf8 = assertThrows(DataException.class, () -> TextCorpusReader.readText(latin1));
        assertEquals(latin1 + ":2:4: bytes that are not UTF-8; the corpus must be UTF-8 text", notUtf8.getMessage());

        Path binary = Files.write(dir.resolve("model.bin"), new byte[]{'P', 'K', 3, 4, 0, 0, 20, 0});
        DataException nul = assertThrows(DataException.class, () -> TextCorpusReader.readText(binary));
        assertEquals(binary + ":1:5: binary data (a NUL byte); the corpus must be UTF-8 text", nul.getMessage());
    }

    @Test
    void aMissingPathIsAnErrorNamingIt() {
        Path missing = dir.resolve("gone.txt");
        DataException e = assertThrows(DataException.class, () -> TextCorpusReader.readText(missing));
        assertTrue(e.getMessage().startsWith(missing + ": cannot read the corpus"), e.getMessage());
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
            Path latin1 = Files.write(dir.resolve("c.txt"), "caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
            DataException notUtf8 = assertThrows(DataException.class,
                    () -> TextCorpusReader.readText(sc, dir.toString()));
            assertTrue(notUtf8.getMessage().endsWith("c.txt:1:4: bytes that are not UTF-8; the corpus must be UTF-8 text"),
                    notUtf8.getMessage());
            Files.delete(latin1);
            String missing = dir.resolve("gone.txt").toString();
            DataException gone = assertThrows(DataException.class, () -> TextCorpusReader.readText(sc, missing));
            assertTrue(gone.getMessage().startsWith(missing + ": cannot read the corpus: Input path does not exist"),
                    gone.getMessage());
        }
    }
}
