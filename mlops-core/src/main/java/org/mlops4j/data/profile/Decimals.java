package org.mlops4j.data.profile;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The canonical text of a finite {@code double} in profiles, identical on every JVM version.
 *
 * <p>The digits are the shortest decimal that reads back as the same {@code double} (of several, the one nearest the
 * exact binary value), laid out as ECMAScript's {@code Number.prototype.toString} does: plain notation for
 * 10<sup>-7</sup> &le; |x| &lt; 10<sup>21</sup> ({@code "42"}, {@code "0.1"}, {@code "1.5e-7"} below,
 * {@code "1e+21"} above). Unlike ECMAScript, negative zero is written {@code "-0"} so that the text round-trips.
 * {@link Double#toString} is not used: its digits changed in JDK 19 (JDK-4511638), which would change hashes.
 */
final class Decimals {
    private Decimals() {}

    /**
     * Formats a finite double.
     *
     * @throws IllegalArgumentException if {@code x} is NaN or infinite
     */
    static String format(double x) {
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("only finite numbers have a canonical form, got " + x);
        }
        if (x == 0) {
            return Double.doubleToRawLongBits(x) == 0 ? "0" : "-0";
        }
        BigDecimal exact = new BigDecimal(Math.abs(x));
        BigDecimal shortest = shortest(exact, Math.abs(x));
        String digits = shortest.unscaledValue().toString();
        // strip trailing zeros from the digit string, adjusting the exponent
        int k = digits.length();
        while (k > 1 && digits.charAt(k - 1) == '0') {
            k--;
        }
        int trailing = digits.length() - k;
        digits = digits.substring(0, k);
        // value = digits * 10^(e10), n = position of the decimal point relative to the digits
        long e10 = -(long) shortest.scale() + trailing;
        long n = e10 + k;
        StringBuilder sb = new StringBuilder(k + 8);
        if (x < 0) {
            sb.append('-');
        }
        if (k <= n && n <= 21) {
            sb.append(digits);
            for (long i = k; i < n; i++) {
                sb.append('0');
            }
        } else if (0 < n && n <= 21) {
            sb.append(digits, 0, (int) n).append('.').append(digits, (int) n, k);
        } else if (-6 < n && n <= 0) {
            sb.append("0.");
            for (long i = 0; i < -n; i++) {
                sb.append('0');
            }
            sb.append(digits);
        } else {
            sb.append(digits.charAt(0));
            if (k > 1) {
                sb.append('.').append(digits, 1, k);
            }
            sb.append('e').append(n - 1 >= 0 ? '+' : '-').append(Math.abs(n - 1));
        }
        return sb.toString();
    }

    /**
     * Parses the canonical text, rejecting any other spelling of the number.
     *
     * @throws IllegalArgumentException if the text is not the canonical form of a finite double
     */
    static double parse(String text) {
        double x;
        try {
            x = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: '" + abbreviate(text) + "'", e);
        }
        if (!Double.isFinite(x) || !format(x).equals(text)) {
            throw new IllegalArgumentException("not the canonical form of a number: '" + abbreviate(text)
                    + "' (expected '" + (Double.isFinite(x) ? format(x) : "a finite number") + "')");
        }
        return x;
    }

    private static BigDecimal shortest(BigDecimal exact, double abs) {
        for (int p = 1; p <= 17; p++) {
            BigDecimal down = exact.round(new MathContext(p, RoundingMode.FLOOR));
            BigDecimal up = exact.round(new MathContext(p, RoundingMode.CEILING));
            boolean downOk = down.doubleValue() == abs;
            boolean upOk = up.doubleValue() == abs;
            if (downOk && upOk) {
                int cmp = exact.subtract(down).compareTo(up.subtract(exact));
                if (cmp < 0) {
                    return down;
                }
                if (cmp > 0) {
                    return up;
                }
                return down.unscaledValue().testBit(0) ? up : down;
            }
            if (downOk) {
                return down;
            }
            if (upOk) {
                return up;
            }
        }
        // 17 significant digits always round-trip; not reached
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
