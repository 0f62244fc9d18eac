package org.mlops4j.internal;

import java.text.Normalizer;

/** Unicode NFC checks. Not public API. */
public final class Nfc {
    private Nfc() {}

    /**
     * Tells whether {@code text} is in Unicode NFC. ASCII text always is, and is answered without {@link Normalizer},
     * which loads its tables on first use (4 ms of every lake's opening, where all keys are ASCII).
     *
     * @param text the text
     * @return true if normalizing it to NFC would not change it
     */
    public static boolean isNormalized(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return Normalizer.isNormalized(text, Normalizer.Form.NFC);
            }
        }
        return true;
    }
}
