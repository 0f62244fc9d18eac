package org.mlops4j.mlflow;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.MlopsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS settings for an https MLflow server, as MLflow's Python client reads them: {@code
 * MLFLOW_TRACKING_SERVER_CERT_PATH} names a CA bundle (PEM) to trust instead of the JVM's trust store, and {@code
 * MLFLOW_TRACKING_INSECURE_TLS=true} turns certificate and host name checks off (for a test server only). Give the
 * result to {@link MlflowRegistryDriver.Builder#sslContext}.
 */
public final class MlflowTls {
    private static final Logger LOG = LoggerFactory.getLogger(MlflowTls.class);

    private MlflowTls() {}

    /**
     * Returns a context that trusts the certificates in a PEM file (a CA bundle).
     *
     * @param caBundle the file
     * @return the context
     * @throws IllegalArgumentException if the file holds no certificate or cannot be parsed
     * @throws MlopsException if the file cannot be read
     */
    public static SSLContext trusting(Path caBundle) {
        try (InputStream in = Files.newInputStream(caBundle)) {
            Collection<? extends Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("the CA bundle " + caBundle
                        + " holds no certificate; give a PEM file" + " with -----BEGIN CERTIFICATE----- blocks");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : certificates) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new MlopsException("cannot read the CA bundle " + caBundle + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "the CA bundle " + caBundle + " is not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    /**
     * Returns a context that accepts any certificate for any host: what {@code MLFLOW_TRACKING_INSECURE_TLS=true}
     * asks for. Anyone on the path can then read the token; use it for a test server only.
     *
     * @return the context
     */
    public static SSLContext insecure() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustingAll()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM offers no TLS context", e);
        }
    }

    /**
     * Reads {@code MLFLOW_TRACKING_INSECURE_TLS} and {@code MLFLOW_TRACKING_SERVER_CERT_PATH}.
     *
     * @param env the variables
     * @return the context they ask for, or empty for the JVM's default
     * @throws IllegalArgumentException if both are set (MLflow refuses that too) or a value is malformed
     */
    static Optional<SSLContext> fromEnvironment(Function<String, @Nullable String> env) {
        String insecure = env.apply("MLFLOW_TRACKING_INSECURE_TLS");
        String cert = env.apply("MLFLOW_TRACKING_SERVER_CERT_PATH");
        boolean off =
                insecure != null && insecure.strip().toLowerCase(Locale.ROOT).equals("true");
        if (insecure != null && !insecure.isBlank() && !off && !insecure.strip().equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(
                    "MLFLOW_TRACKING_INSECURE_TLS is true or false, got '" + insecure.strip() + "'");
        }
        boolean hasCert = cert != null && !cert.isBlank();
        if (off && hasCert) {
            throw new IllegalArgumentException("MLFLOW_TRACKING_INSECURE_TLS=true and MLFLOW_TRACKING_SERVER_CERT_PATH"
                    + " contradict each other (MLflow's client refuses them together too); unset one");
        }
        if (off) {
            LOG.warn(
                    "MLFLOW_TRACKING_INSECURE_TLS=true: the MLflow server's certificate and host name are not checked");
            return Optional.of(insecure());
        }
        return hasCert ? Optional.of(trusting(Path.of(cert.strip()))) : Optional.empty();
    }

    /** Accepts every chain and skips the host name check (an extended trust manager that checks nothing). */
    private static final class TrustingAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
