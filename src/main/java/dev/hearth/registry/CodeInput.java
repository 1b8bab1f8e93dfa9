package dev.hearth.registry;

import java.util.Optional;

/**
 * Where a request says the code is: an inline zip, an S3 object, or a container image. Only inline
 * zips are supported; the others are refused with a clear error.
 */
public record CodeInput(Optional<byte[]> zipFile, Optional<String> s3Bucket, Optional<String> s3Key,
                        Optional<String> imageUri) {

    public static CodeInput zip(byte[] zip) {
        return new CodeInput(Optional.of(zip), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
