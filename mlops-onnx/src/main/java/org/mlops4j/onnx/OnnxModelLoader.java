package org.mlops4j.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.mlops4j.common.StorageException;
import org.mlops4j.deploy.ModelLoader;
import org.mlops4j.deploy.Predictor;
import org.mlops4j.registry.ModelVersion;

/**
 * Loads ONNX model versions into onnxruntime sessions.
 *
 * <p><b>What it serves.</b> A model version tagged {@value #FLAVOR_TAG}{@code =}{@value #FLAVOR} whose artifacts
 * directory holds:
 *
 * <ul>
 *   <li>{@value #MODEL_FILE}: the ONNX model, with one {@code [rows, features]} float or double input tensor;
 *   <li>{@value #SIGNATURE_FILE}: how JSON rows map to that tensor and how the output reads (see
 *       {@link OnnxSignature}).
 * </ul>
 *
 * Register such a version with
 * {@code new ModelRegistration("churn").artifacts(dir).tag(OnnxModelLoader.FLAVOR_TAG, OnnxModelLoader.FLAVOR)
 * .signature(signature.toJson())}. The loader reads only these documented formats and never uses Java
 * serialization.
 *
 * <p>Stateless and thread-safe; the {@link Predictor}s it returns are thread-safe too (onnxruntime sessions accept
 * concurrent runs) and must be closed to free the native session. Example:
 *
 * <pre>{@code
 * ModelLoader loader = new OnnxModelLoader();
 * if (loader.supports(version)) {
 *     try (Predictor predictor = loader.load(version, checkedOutDir)) {
 *         List<Object> answers = predictor.predict(List.of(Map.of("tenure_months", 3, "contract", "monthly")));
 *     }
 * }
 * }</pre>
 */
public final class OnnxModelLoader implements ModelLoader {
    /** The tag that names a model version's flavor. */
    public static final String FLAVOR_TAG = "flavor";
    /** The flavor this loader serves. */
    public static final String FLAVOR = "onnx";
    /** The model file in the artifacts directory. */
    public static final String MODEL_FILE = "model.onnx";
    /** The signature file in the artifacts directory. */
    public static final String SIGNATURE_FILE = "signature.json";

    /** Creates a loader; it uses onnxruntime's shared environment. */
    public OnnxModelLoader() {}

    /**
     * Returns whether the version is tagged {@value #FLAVOR_TAG}{@code =}{@value #FLAVOR}.
     *
     * @param version the model version
     * @return whether {@link #load} would accept it
     */
    @Override
    public boolean supports(ModelVersion version) {
        return FLAVOR.equals(version.getTags().get(FLAVOR_TAG));
    }

    /**
     * Loads {@value #MODEL_FILE} with {@value #SIGNATURE_FILE} from the artifacts directory.
     *
     * @param version the model version (named in messages)
     * @param artifacts the directory holding the checked-out artifacts
     * @return a thread-safe predictor; close it to free the native session
     * @throws IllegalArgumentException if a file is missing or malformed, or the model's input and output do not
     *     match the signature; the message names the file
     * @throws StorageException if a file cannot be read
     */
    @Override
    public Predictor load(ModelVersion version, Path artifacts) {
        Objects.requireNonNull(version, "version");
        Path model = artifacts.resolve(MODEL_FILE);
        Path signatureFile = artifacts.resolve(SIGNATURE_FILE);
        for (Path file : new Path[] {model, signatureFile}) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(version.getRef() + " is tagged " + FLAVOR_TAG + "=" + FLAVOR
                        + " but has no " + file.getFileName() + " in its artifacts (" + artifacts
                        + "); register the directory with both " + MODEL_FILE + " and " + SIGNATURE_FILE);
            }
        }
        OnnxSignature signature;
        try {
            signature = OnnxSignature.parse(Files.readString(signatureFile, StandardCharsets.UTF_8));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(
                    signatureFile + " of " + version.getRef() + " is not UTF-8 text: " + e + "; write it in UTF-8", e);
        } catch (IOException e) {
            throw StorageException.of(
                    "cannot read " + signatureFile + " of " + version.getRef() + ": " + e
                            + "; check the artifact cache directory and its permissions",
                    e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(signatureFile + " of " + version.getRef() + ": " + e.getMessage(), e);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(model);
        } catch (IOException e) {
            throw StorageException.of(
                    "cannot read " + model + " of " + version.getRef() + ": " + e
                            + "; check the artifact cache directory and its permissions",
                    e);
        }
        OrtSession session;
        try {
            session = OrtEnvironment.getEnvironment().createSession(bytes);
        } catch (OrtException e) {
            throw new IllegalArgumentException(
                    model + " of " + version.getRef() + " is not a model onnxruntime can load: " + e.getMessage(), e);
        }
        try {
            OnnxJavaType inputType = checkShapes(session, signature, model);
            return new OnnxPredictor(version.getRef().toString(), session, signature, inputType);
        } catch (RuntimeException e) {
            closeQuietly(session, e);
            throw e;
        }
    }

    /** Checks the session against the signature and returns the input's element type. */
    private static OnnxJavaType checkShapes(OrtSession session, OnnxSignature signature, Path model) {
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            NodeInfo input = inputs.get(signature.getInput());
            if (input == null || inputs.size() != 1) {
                throw new IllegalArgumentException(model + " has inputs " + inputs.keySet() + "; the signature needs "
                        + "exactly one, named '" + signature.getInput() + "'");
            }
            if (!outputs.containsKey(signature.getOutput())) {
                throw new IllegalArgumentException(model + " has outputs " + outputs.keySet()
                        + "; the signature reads '" + signature.getOutput() + "'");
            }
            if (!(input.getInfo() instanceof TensorInfo tensor)
                    || tensor.getShape().length != 2
                    || (tensor.type != OnnxJavaType.FLOAT && tensor.type != OnnxJavaType.DOUBLE)) {
                throw new IllegalArgumentException(model + " input '" + signature.getInput() + "' is " + input.getInfo()
                        + "; a [rows, features] float or double tensor is needed");
            }
            long width = tensor.getShape()[1];
            if (width >= 0 && width != signature.getFeatures().size()) {
                throw new IllegalArgumentException(model + " input '" + signature.getInput() + "' has " + width
                        + " features but the signature lists "
                        + signature.getFeatures().size());
            }
            return tensor.type;
        } catch (OrtException e) {
            throw new IllegalArgumentException("cannot read the inputs and outputs of " + model + ": " + e, e);
        }
    }

    private static void closeQuietly(OrtSession session, RuntimeException failure) {
        try {
            session.close();
        } catch (OrtException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return "OnnxModelLoader{flavor=" + FLAVOR + ", files=" + MODEL_FILE + "+" + SIGNATURE_FILE + "}";
    }
}
