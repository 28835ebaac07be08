package com.pbiexport.devstack.powerbi.engine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;

/**
 * Small, valid page images: PNG (hand-written, text in tEXt chunks), multi-page TIFF (hand-written, text in
 * ImageDescription), EMF (header + EOF records), and BMP/GIF/JPEG through ImageIO. The pixels are a simple
 * pattern that differs per page; the text is what tests look for.
 */
final class ImageFiles {
    static final int WIDTH = 160;
    static final int HEIGHT = 90;

    private ImageFiles() { }

    /** Gray pixels of one page: a diagonal pattern shifted by page number. */
    private static byte[] pixels(int page) {
        byte[] px = new byte[WIDTH * HEIGHT];
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                px[y * WIDTH + x] = (byte) (((x + y + page * 16) / 8) % 2 == 0 ? 0xF0 : 0x40);
            }
        }
        return px;
    }

    static byte[] png(List<String> lines, int page) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(WIDTH).putInt(HEIGHT)
                .put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "tEXt", latin1("Title\0" + lines.get(0) + " - " + lines.get(1)));
        chunk(out, "tEXt", latin1("Comment\0" + String.join("\n", lines)));
        byte[] px = pixels(page);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(raw)) {
            for (int y = 0; y < HEIGHT; y++) {
                z.write(0); // filter type None
                z.write(px, y * WIDTH, WIDTH);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        chunk(out, "IDAT", raw.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** A little-endian baseline TIFF with one uncompressed 8-bit gray image (IFD) per page. */
    static byte[] tiff(FileSpec spec) {
        int pages = spec.pages();
        ByteBuffer buf = ByteBuffer.allocate(estimateTiff(spec)).order(ByteOrder.LITTLE_ENDIAN);
        buf.put((byte) 'I').put((byte) 'I').putShort((short) 42);
        int firstIfdPos = buf.position();
        buf.putInt(0); // patched below
        int prevNextPointer = firstIfdPos;
        for (int p = 1; p <= pages; p++) {
            byte[] desc = latin1(String.join("\n", spec.lines(p)) + "\0");
            int descPos = buf.position();
            buf.put(desc);
            int pixelPos = buf.position();
            buf.put(pixels(p));
            if (buf.position() % 2 == 1) {
                buf.put((byte) 0); // IFDs start on a word boundary
            }
            int ifdPos = buf.position();
            buf.putInt(prevNextPointer, ifdPos);
            short entries = 9;
            buf.putShort(entries);
            entry(buf, 256, 4, WIDTH);            // ImageWidth
            entry(buf, 257, 4, HEIGHT);           // ImageLength
            entry(buf, 258, 3, 8);                // BitsPerSample
            entry(buf, 259, 3, 1);                // Compression: none
            entry(buf, 262, 3, 1);                // PhotometricInterpretation: BlackIsZero
            entryCount(buf, 270, 2, desc.length, descPos); // ImageDescription
            entry(buf, 273, 4, pixelPos);         // StripOffsets
            entry(buf, 278, 4, HEIGHT);           // RowsPerStrip
            entry(buf, 279, 4, WIDTH * HEIGHT);   // StripByteCounts
            prevNextPointer = buf.position();
            buf.putInt(0);
        }
        byte[] out = new byte[buf.position()];
        buf.flip().get(out);
        return out;
    }

    private static int estimateTiff(FileSpec spec) {
        int size = 8;
        for (int p = 1; p <= spec.pages(); p++) {
            size += String.join("\n", spec.lines(p)).length() * 2 + 2 + WIDTH * HEIGHT + 1 + 2 + 9 * 12 + 4;
        }
        return size;
    }

    private static void entry(ByteBuffer b, int tag, int type, int value) {
        entryCount(b, tag, type, 1, value);
    }

    private static void entryCount(ByteBuffer b, int tag, int type, int count, int value) {
        b.putShort((short) tag).putShort((short) type).putInt(count);
        if (type == 3 && count == 1) {
            b.putShort((short) value).putShort((short) 0); // SHORT values sit left-justified in the value field
        } else {
            b.putInt(value);
        }
    }

    /** A minimal enhanced metafile: EMR_HEADER (with the text as its description) and EMR_EOF. */
    static byte[] emf(List<String> lines) {
        byte[] desc = (String.join(" | ", lines) + "\0\0").getBytes(StandardCharsets.UTF_16LE);
        int descPadded = (desc.length + 3) & ~3;
        int headerSize = 88 + descPadded;
        int total = headerSize + 20;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(1).putInt(headerSize);                  // EMR_HEADER, size
        b.putInt(0).putInt(0).putInt(WIDTH - 1).putInt(HEIGHT - 1); // bounds (device units)
        b.putInt(0).putInt(0).putInt(WIDTH * 26).putInt(HEIGHT * 26); // frame (0.01 mm)
        b.putInt(0x464D4520).putInt(0x10000).putInt(total).putInt(2); // " EMF", version, bytes, records
        b.putShort((short) 1).putShort((short) 0);       // handles, reserved
        b.putInt(desc.length / 2).putInt(88).putInt(0);  // description chars, offset, palette entries
        b.putInt(1920).putInt(1080).putInt(508).putInt(286); // device pixels and millimetres
        b.put(desc);
        b.position(headerSize);
        b.putInt(14).putInt(20).putInt(0).putInt(16).putInt(20); // EMR_EOF
        return b.array();
    }

    /** BMP, GIF or JPEG through ImageIO (no text inside: those formats have no simple text field). */
    static byte[] imageIo(String ioFormat, int page) {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, WIDTH, HEIGHT, pixels(page));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, ioFormat, out)) {
                throw new IllegalStateException("no ImageIO writer for " + ioFormat);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] latin1(String s) {
        return PdfFiles.escapeLatin1(s).getBytes(StandardCharsets.ISO_8859_1);
    }
}
