package dev.mcpwatch.configfile;

import java.util.Locale;
import java.util.Set;

/** The key someone probably meant: the nearest allowed one by edit distance, if it is near enough to be a typo. */
final class Suggestions {
    private Suggestions() {}

    static String closest(String key, Set<String> allowed) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String a : allowed) {
            int d = distance(key.toLowerCase(Locale.ROOT), a);
            if (d < bestDistance) {
                bestDistance = d;
                best = a;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 3) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
