/**
 * ONNX models served through the deploy SPI: {@link org.mlops4j.onnx.OnnxModelLoader} loads a model version tagged
 * {@code flavor=onnx} (artifacts {@code model.onnx} and {@code signature.json}, see
 * {@link org.mlops4j.onnx.OnnxSignature}) into an onnxruntime session.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.onnx;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
