package com.pbiexport.devstack.powerbi.engine;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Collections;
import java.util.List;

/**
 * A generated file: small head and tail held in memory, and between them an optional padding that is generated
 * while streaming (so a 250 MB file costs a few KB of heap). The padding is whole copies of {@code paddingLine}
 * (e.g. a PDF comment line), so it never breaks the file's syntax.
 */
record RenderedFile(String contentType, String extension, byte[] head, long paddingBytes, byte[] paddingLine, byte[] tail) {

    static RenderedFile unpadded(String contentType, String extension, byte[] bytes) {
        return new RenderedFile(contentType, extension, bytes, 0, new byte[] {' '}, new byte[0]);
    }

    long length() {
        return head.length + paddingBytes + tail.length;
    }

    InputStream open() {
        return new SequenceInputStream(Collections.enumeration(List.of(
                new ByteArrayInputStream(head), new PaddingInputStream(paddingLine, paddingBytes),
                new ByteArrayInputStream(tail))));
    }

    /** Padding size that fills {@code target} given the fixed parts: whole lines only, never negative. */
    static long padding(long target, long fixed, int lineLength) {
        long missing = target - fixed;
        return missing <= 0 ? 0 : (missing / lineLength) * lineLength;
    }

    /** Repeats one line up to a length, generated on the fly. */
    static final class PaddingInputStream extends InputStream {
        private final byte[] line;
        private final long length;
        private long pos;

        PaddingInputStream(byte[] line, long length) {
            this.line = line;
            this.length = length;
        }

        @Override
        public int read() {
            if (pos >= length) {
                return -1;
            }
            return line[(int) (pos++ % line.length)] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (pos >= length) {
                return -1;
            }
            int n = (int) Math.min(len, length - pos);
            for (int i = 0; i < n; ) {
                int lineOff = (int) (pos % line.length);
                int chunk = Math.min(n - i, line.length - lineOff);
                System.arraycopy(line, lineOff, b, off + i, chunk);
                i += chunk;
                pos += chunk;
            }
            return n;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, length - pos);
        }
    }
}
