package com.pbiexport.worker.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class FileNamesTest {

    private static final LocalDate DAY = LocalDate.of(2025, 3, 7);

    @Test
    void defaultKeyIsTenantDateRequestIdAndName() {
        assertThat(FileNames.defaultKey("contoso", "req-42", "Sales by region", ".pdf", DAY))
                .isEqualTo("contoso/2025/03/07/req-42-Sales by region.pdf");
    }

    @Test
    void defaultKeyWithoutRequestedNameIsRequestIdAndExtension() {
        assertThat(FileNames.defaultKey("contoso", "req-42", null, "zip", DAY))
                .isEqualTo("contoso/2025/03/07/req-42.zip");
        assertThat(FileNames.defaultKey("contoso", "req-42", "  ", "zip", DAY))
                .isEqualTo("contoso/2025/03/07/req-42.zip");
    }

    @ParameterizedTest(name = "[{index}] {0} as {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "report.xlsx    | .pdf  | report.pdf",
            "report.PDF     | .pdf  | report.pdf",
            "report         | PDF   | report.pdf",
            "pages.png      | .zip  | pages.zip",
            "archive.tar    | .zip  | archive.tar.zip",
            "Q1.2025 sales  | .pdf  | Q1.2025 sales.pdf"})
    void extensionIsForcedToTheFormats(String requested, String extension, String expected) {
        assertThat(FileNames.sanitise(requested, "req-1", extension)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiterString = "=>", value = {
            "../../etc/passwd        => etc_passwd.pdf",
            "..\\..\\x               => x.pdf",
            "/etc/passwd             => etc_passwd.pdf",
            "C:\\Windows\\system32   => C_Windows_system32.pdf",
            "a/../b                  => a_b.pdf",
            "a..b                    => a.b.pdf",
            ".hidden                 => hidden.pdf",
            "...x                    => x.pdf",
            "-rf                     => rf.pdf",
            "name.                   => name.pdf",
            "CON                     => _CON.pdf",
            "nul.txt                 => _nul.pdf",
            "com1                    => _com1.pdf",
            "Lpt9.report             => _Lpt9.report.pdf",
            "what?<yes>|no*          => what_yes_no_.pdf",
            "100%#1                  => 100_1.pdf",
            "Umsätze 2025            => Umsätze 2025.pdf",
            "  many    spaces  .pdf  => many spaces.pdf"})
    void cleansUnsafeNames(String requested, String expected) {
        assertThat(FileNames.sanitise(requested, "req-1", ".pdf")).isEqualTo(expected);
    }

    @Test
    void replacesControlAndInvisibleCharacters() {
        assertThat(FileNames.sanitise("a\u0000b\u001fc\u007fd", "req-1", ".pdf")).isEqualTo("a_b_c_d.pdf");
        // right-to-left override would display "evil\u202Efdp.exe" as "evilexe.pdf"
        assertThat(FileNames.sanitise("evil\u202Efdp.exe", "req-1", ".pdf")).isEqualTo("evil_fdp.exe.pdf");
        assertThat(FileNames.sanitise("tab\there\nnewline", "req-1", ".pdf")).isEqualTo("tab here newline.pdf");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "..", "../..", "/", "\\\\", " . . ", "\u0000"})
    void fallsBackToRequestIdWhenNothingIsLeft(String requested) {
        assertThat(FileNames.sanitise(requested, "req-7", ".xlsx")).isEqualTo("req-7.xlsx");
    }

    @Test
    void shortensLongNamesKeepingTheExtension() {
        String name = FileNames.sanitise("a".repeat(300) + ".pdf", "req-1", ".pdf");
        assertThat(name).hasSize(FileNames.MAX_NAME_CHARS).endsWith("a.pdf");
    }

    @Test
    void shortensByUtf8BytesWithoutSplittingCharacters() {
        String accented = FileNames.sanitise("é".repeat(200), "req-1", ".pdf");
        assertThat(accented.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(FileNames.MAX_NAME_UTF8_BYTES);
        assertThat(accented).endsWith("é.pdf");

        String emoji = FileNames.sanitise("😀a".repeat(60), "req-1", ".pdf");
        byte[] utf8 = emoji.getBytes(StandardCharsets.UTF_8);
        assertThat(utf8.length).isLessThanOrEqualTo(FileNames.MAX_NAME_UTF8_BYTES);
        // no surrogate half left behind: the name survives a UTF-8 round trip
        assertThat(new String(utf8, StandardCharsets.UTF_8)).isEqualTo(emoji).startsWith("😀a😀a").endsWith(".pdf");
    }

    @ParameterizedTest
    @ValueSource(strings = {"€", "___", "😀😀", "- - -"})
    void nameWithoutLetterOrDigitCountsAsNoName(String requested) {
        assertThat(FileNames.sanitise(requested, "req-7", ".pdf")).isEqualTo("req-7.pdf");
    }

    @Test
    void cleanedRequestIdsNeverCollide() {
        String slashed = FileNames.defaultKey("t", "a/b", null, "pdf", DAY);
        String underscored = FileNames.defaultKey("t", "a_b", null, "pdf", DAY);
        assertThat(underscored).isEqualTo("t/2025/03/07/a_b.pdf");
        assertThat(slashed).isNotEqualTo(underscored).matches("t/2025/03/07/a_b-[0-9a-f]{8}\\.pdf");
        assertThat(FileNames.defaultKey("t", "../..", null, "pdf", DAY)).matches("t/2025/03/07/request-[0-9a-f]{8}\\.pdf");
    }

    @Test
    void longRequestIdsAreShortenedWithAHash() {
        String key = FileNames.defaultKey("t", "x".repeat(500), "name", "pdf", DAY);
        String leaf = FileNames.leafOf(key);
        assertThat(leaf).matches("x{64}-[0-9a-f]{8}-name\\.pdf");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/etc/passwd", "a/../b", "a/./b", "a//b", "a\\b", "C:/x", "a/\u0000b", "a/.hidden",
            "a/b.", "CON/x.pdf", "a/b ", "../x", "a/b?c"})
    void requireSafeKeyRejectsAnythingNotAlreadyClean(String key) {
        assertThatThrownBy(() -> FileNames.requireSafeKey(key))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.INVALID_NAME))
                .hasMessageStartingWith("Invalid file key '");
    }

    @Test
    void rejectionMessageShowsControlCharactersEscaped() {
        assertThatThrownBy(() -> FileNames.requireSafeKey("a/b\u0000c"))
                .hasMessage("Invalid file key 'a/b\\u0000c': segment 'b\\u0000c' is not a clean name (it would be"
                        + " 'b_c'); build keys with FileNames.defaultKey");
    }

    @Test
    void rejectsMalformedExtensionNamingIt() {
        assertThatThrownBy(() -> FileNames.sanitise("x", "r", "p/df"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("extension must be 1-10 letters or digits such as .pdf, was 'p/df'");
    }

    @Test
    void rejectsTenantAliasWithoutUsableCharacters() {
        assertThatThrownBy(() -> FileNames.defaultKey("..", "r", null, "pdf", DAY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tenant alias '..' has no usable characters");
    }

    /** Random junk, including every troublesome character class, always yields a key the sinks accept. */
    @Test
    void keysFromArbitraryInputAreAlwaysSafeAndCleaningIsIdempotent() {
        Random random = new Random(20250307);
        String alphabet = "aZ09 ._-/\\:*?\"<>|%#\u0000\u0001\u001f\u007f\u202e\u200béü😀\t\n";
        for (int i = 0; i < 2_000; i++) {
            String requested = randomString(random, alphabet, 200);
            String requestId = randomString(random, alphabet, 80);
            String once = FileNames.cleanSegment(requested);
            String key = FileNames.defaultKey("tenant", requestId, requested, ".pdf", DAY);
            FileNames.requireSafeKey(key);
            // plain checks in the loop (AssertJ per iteration is slow); any failure names its input
            boolean ok = FileNames.cleanSegment(once).equals(once)
                    && !key.contains("..") && !key.contains("\\")
                    && key.startsWith("tenant/2025/03/07/") && key.endsWith(".pdf")
                    && FileNames.leafOf(key).getBytes(StandardCharsets.UTF_8).length <= FileNames.MAX_NAME_UTF8_BYTES;
            assertThat(ok).as("key '%s' from name '%s' and id '%s'", FileNames.escape(key),
                    FileNames.escape(requested), FileNames.escape(requestId)).isTrue();
        }
    }

    private static String randomString(Random random, String alphabet, int maxLength) {
        int[] points = alphabet.codePoints().toArray();
        StringBuilder s = new StringBuilder();
        int length = random.nextInt(maxLength + 1);
        for (int i = 0; i < length; i++) {
            s.appendCodePoint(points[random.nextInt(points.length)]);
        }
        return s.toString();
    }
}
