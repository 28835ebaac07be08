package com.pbiexport.worker.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class DigestingInputStreamTest {

    @Test
    void hashesAndCountsBytesReadOneByOneSkippedOrInBulk() throws Exception {
        byte[] content = FilesystemSinkTest.randomBytes(50_000, 9);
        DigestingInputStream in = new DigestingInputStream(new ByteArrayInputStream(content), 50_000, 50_000);

        assertThat(in.read()).isEqualTo(content[0] & 0xff);
        assertThat(in.skip(10_000)).isEqualTo(10_000);
        in.readAllBytes();

        assertThat(in.complete()).isTrue();
        assertThat(in.count()).isEqualTo(50_000);
        assertThat(in.sha256Hex()).isEqualTo(FilesystemSinkTest.sha256(content));
    }

    @Test
    void readsAtMostOneBytePastTheCapAndKeepsFailing() throws Exception {
        CountingSource source = new CountingSource(1_000_000);
        DigestingInputStream in = new DigestingInputStream(source, 1000, -1);

        assertThatThrownBy(in::readAllBytes).isInstanceOf(DigestingInputStream.CapExceeded.class);
        assertThat(source.served).isEqualTo(1001);
        // a retrying reader cannot get past the cap
        assertThatThrownBy(() -> in.read(new byte[10], 0, 10)).isInstanceOf(DigestingInputStream.CapExceeded.class);
        assertThat(in.complete()).isFalse();
        assertThat(in.failureAsStorageException("x").kind()).isEqualTo(StorageException.Kind.TOO_LARGE);
    }

    @Test
    void contentLongerThanAnnouncedIsASourceFailure() {
        DigestingInputStream in = new DigestingInputStream(new ByteArrayInputStream(new byte[20]), 1000, 10);
        assertThatThrownBy(in::readAllBytes).isInstanceOf(DigestingInputStream.SourceFailed.class)
                .hasMessage("content is longer than the 10 bytes announced");
        assertThat(in.failureAsStorageException("x").kind()).isEqualTo(StorageException.Kind.SOURCE_FAILED);
    }

    @Test
    void hashIsOnlyAvailableOnceComplete() {
        DigestingInputStream in = new DigestingInputStream(new ByteArrayInputStream(new byte[20]), 1000, -1);
        assertThatThrownBy(in::sha256Hex).isInstanceOf(IllegalStateException.class);
        assertThat(in.failureAsStorageException("x")).isNull();
    }

    @Test
    void doesNotSupportMarkAndReset() {
        DigestingInputStream in = new DigestingInputStream(new ByteArrayInputStream(new byte[20]), 1000, -1);
        assertThat(in.markSupported()).isFalse();
        assertThatThrownBy(in::reset).isInstanceOf(IOException.class);
    }

    /** An endless-enough source that counts what it served. */
    private static final class CountingSource extends InputStream {
        private final long size;
        long served;

        CountingSource(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            if (served >= size) {
                return -1;
            }
            served++;
            return 7;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (served >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - served);
            served += n;
            return n;
        }
    }
}
