package dev.hearth.registry;

import java.util.List;
import java.util.Optional;

/**
 * A page of ListFunctions.
 *
 * @param qualifiedArns whether items carry qualified ARNs ({@code FunctionVersion=ALL}), as AWS's do
 * @param nextMarker    the opaque marker of the next page, when there is one
 */
public record FunctionPage(List<FunctionVersion> functions, boolean qualifiedArns, Optional<String> nextMarker) {
}
