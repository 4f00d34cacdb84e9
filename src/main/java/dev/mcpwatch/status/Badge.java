package dev.mcpwatch.status;

/**
 * A flat two-part SVG badge (label | value) for READMEs. Widths come from a per-character estimate
 * of the 11 px Verdana the badge names; the text is escaped by the template like everything else.
 */
public record Badge(String label, String value, String color, int labelWidth, int valueWidth) {

    public static Badge of(String label, String value, String color) {
        return new Badge(label, value, color, width(label), width(value));
    }

    public int width() {
        return labelWidth + valueWidth;
    }

    public String title() {
        return label + ": " + value;
    }

    static int width(String text) {
        double w = 0;
        for (char ch : text.toCharArray()) {
            w += "ijlt.,:;|!'I ".indexOf(ch) >= 0 ? 3.5 : Character.isUpperCase(ch) || "mw%".indexOf(ch) >= 0 ? 9 : 7;
        }
        return (int) Math.ceil(w) + 12;
    }

    /** Colours with at least 4.5:1 contrast against the badge's white text. */
    static String color(String state) {
        return switch (state) {
            case "operational", "good" -> "#1a7f37";
            case "degraded", "fair" -> "#9a6700";
            case "outage", "poor" -> "#cf222e";
            case "maintenance" -> "#0550ae";
            default -> "#57606a";
        };
    }
}
