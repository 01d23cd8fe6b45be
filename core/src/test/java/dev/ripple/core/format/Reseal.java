package dev.ripple.core.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Test tool: after a test patches bytes of a valid file, recomputes every checksum (sections,
 * directory, header, file) so that only the structural problem it planted remains.
 */
final class Reseal {
    private Reseal() {}

    static byte[] reseal(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int footer = file.length - RippleFormat.FOOTER_BYTES;
        long dirOffset = b.getLong(footer);
        long dirLength = b.getLong(footer + 8);
        int p = (int) dirOffset;
        int count = b.getInt(p);
        p += 4;
        for (int i = 0; i < count; i++) {
            int rank = Byte.toUnsignedInt(file[p + 3]);
            int crcAt = p + 4;
            long offset = b.getLong(p + 8);
            long length = b.getLong(p + 16);
            if (offset >= 0
                    && offset <= file.length
                    && length >= 0
                    && length <= file.length - offset) { // planted bad extents keep their CRC
                b.putInt(crcAt, crc(file, (int) offset, (int) length));
            }
            p += 24 + 8 * rank;
            int nameLength = Short.toUnsignedInt(b.getShort(p));
            p += 2 + nameLength;
        }
        b.putInt(footer + 16, crc(file, (int) dirOffset, (int) dirLength));
        b.putInt(RippleFormat.HEADER_CHECKED_BYTES, crc(file, 0, RippleFormat.HEADER_CHECKED_BYTES));
        b.putInt(file.length - 4, crc(file, 0, file.length - 4));
        return file;
    }

    static int crc(byte[] bytes, int from, int length) {
        CRC32C c = new CRC32C();
        c.update(bytes, from, length);
        return (int) c.getValue();
    }
}
