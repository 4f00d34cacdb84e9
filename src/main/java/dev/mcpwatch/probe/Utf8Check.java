package dev.mcpwatch.probe;

/**
 * Checks bytes for strict UTF-8 as they stream past, across chunk boundaries: no overlong forms, no
 * surrogates, nothing above U+10FFFF (the decoder of the WHATWG Encoding standard). Servers send
 * JSON in chunks, and a chunk may end in the middle of a character.
 */
final class Utf8Check {
    private int needed;
    private int lower = 0x80;
    private int upper = 0xBF;

    /** Whether the bytes continue valid UTF-8. */
    boolean accept(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            int b = bytes[i] & 0xFF;
            if (needed == 0) {
                if (b < 0x80) {
                    continue;
                }
                if (b >= 0xC2 && b <= 0xDF) {
                    needed = 1;
                } else if (b >= 0xE0 && b <= 0xEF) {
                    needed = 2;
                    lower = b == 0xE0 ? 0xA0 : 0x80;
                    upper = b == 0xED ? 0x9F : 0xBF;
                } else if (b >= 0xF0 && b <= 0xF4) {
                    needed = 3;
                    lower = b == 0xF0 ? 0x90 : 0x80;
                    upper = b == 0xF4 ? 0x8F : 0xBF;
                } else {
                    return false;
                }
            } else {
                if (b < lower || b > upper) {
                    return false;
                }
                lower = 0x80;
                upper = 0xBF;
                needed--;
            }
        }
        return true;
    }

    /** Whether the bytes so far end on a whole character. */
    boolean complete() {
        return needed == 0;
    }
}
