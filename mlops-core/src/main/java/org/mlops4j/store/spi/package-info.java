/**
 * The lake provider SPI: how a module that ships an {@link org.mlops4j.store.ObjectStore} (such as {@code
 * mlops-azure}'s Azure Blob store) lets {@code MLOPS4J_LAKE} name it by URI scheme. Implementers of a store start by
 * passing {@code ObjectStoreContract} from {@code mlops-test}.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.store.spi;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
