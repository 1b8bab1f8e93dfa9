package dev.hearth.store;

/**
 * A stored code zip, named by its content.
 *
 * @param sha256Hex    the SHA-256 of the zip in hex: the blob's name in the code store
 * @param sha256Base64 the same digest in base64: the {@code CodeSha256} AWS reports
 * @param size         the zip's size in bytes ({@code CodeSize})
 * @param unzippedSize the sum of the entries' uncompressed sizes
 */
public record CodeArtifact(String sha256Hex, String sha256Base64, long size, long unzippedSize) {
}
