/**
 * The MLflow adapter: {@link org.mlops4j.mlflow.MlflowRegistryDriver}, a registry driver on an MLflow tracking server
 * over its REST API in pure Java, and {@link org.mlops4j.mlflow.MlflowCredentials}. See {@code docs/mlflow.md}.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.mlflow;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
