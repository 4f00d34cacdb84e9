package dev.mcpwatch.probe;

/** Small helpers for putting server-supplied text into failure sentences safely. */
final class Text {
    private Text() {}

    /** Cuts text to {@code max} characters and replaces control characters, so one line stays one line. */
    static String clip(String s, int max) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), max + 1));
        for (int i = 0; i < s.length() && out.length() < max; i++) {
            char c = s.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        if (s.length() > max) {
            out.append('…');
        }
        return out.toString().strip();
    }

    /**
     * A short excerpt that prints as what it is: every character that is not a letter, digit,
     * punctuation or space (control bytes, undecodable bytes, format characters) becomes '?'.
     */
    static String printable(String s, int max) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), max + 1));
        for (int i = 0; i < s.length() && out.length() < max; i++) {
            char c = s.charAt(i);
            int type = Character.getType(c);
            boolean shown = c != '\uFFFD' && type != Character.CONTROL && type != Character.FORMAT && type != Character.SURROGATE
                    && type != Character.PRIVATE_USE && type != Character.UNASSIGNED;
            out.append(shown ? c : '?');
        }
        if (s.length() > max) {
            out.append('…');
        }
        return out.toString().strip();
    }

    static String snippet(byte[] bytes, int max) {
        String s = new String(bytes, 0, Math.min(bytes.length, max * 4), java.nio.charset.StandardCharsets.UTF_8);
        return clip(s, max);
    }
}
