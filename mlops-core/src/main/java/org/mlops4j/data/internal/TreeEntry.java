package org.mlops4j.data.internal;

import org.mlops4j.store.Digest;

/**
 * One entry of a stored directory tree, in either tree encoding (lake format §14): a file with its size and content
 * digest, or a subdirectory with its tree's digest (size 0). Not API: for the project's own modules (moving datasets
 * between lakes) that must walk trees without depending on their encoding.
 *
 * @param name the entry's name within its directory
 * @param directory whether the entry is a subdirectory
 * @param digest the file's content digest, or the subdirectory's tree digest
 * @param size the file's size in bytes; 0 for a subdirectory
 */
public record TreeEntry(String name, boolean directory, Digest digest, long size) {}
