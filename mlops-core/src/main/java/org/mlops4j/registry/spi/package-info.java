/**
 * The registry driver SPI: what a registry backend implements ({@link org.mlops4j.registry.spi.RegistryDriver}) to sit
 * under {@link org.mlops4j.registry.ModelRegistry}. A driver only stores and reads records and artifacts and reports
 * its capabilities; the guarantees are core's. Implementers start by passing {@code ModelRegistryContract} from
 * {@code mlops-test}.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.registry.spi;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
