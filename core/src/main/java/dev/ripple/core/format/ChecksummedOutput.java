package dev.ripple.core.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Sequential little-endian output that keeps two CRC32Cs as it goes: one over every byte written
 * (the file checksum in the footer) and one over the current section. Sections start and end on
 * buffer flushes, so the section checksum never mixes in neighbouring bytes.
 */
final class ChecksummedOutput extends LittleEndianOutput {
    private final CRC32C fileCrc = new CRC32C();
    private CRC32C sectionCrc;

    ChecksummedOutput(FileChannel channel) {
        super(channel);
    }

    void beginSection() throws IOException {
        flush();
        sectionCrc = new CRC32C();
    }

    /** Ends the current section and returns its CRC32C. */
    int endSection() throws IOException {
        flush();
        int crc = (int) sectionCrc.getValue();
        sectionCrc = null;
        return crc;
    }

    /** The CRC32C of every byte written so far (flushes first). */
    int fileCrc() throws IOException {
        flush();
        return (int) fileCrc.getValue();
    }

    @Override
    protected void flushing(ByteBuffer bytes) {
        fileCrc.update(bytes.duplicate());
        if (sectionCrc != null) {
            sectionCrc.update(bytes);
        }
    }
}
