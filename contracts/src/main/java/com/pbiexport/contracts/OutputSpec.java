package com.pbiexport.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where and under which name the exported file is stored.
 *
 * @param fileName requested file name (the worker sanitises it), or null for a generated name
 * @param sink     alias of a sink configured in the worker, or null for its default sink
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record OutputSpec(String fileName, String sink) {

    /** A file name on the default sink. */
    public static OutputSpec fileName(String fileName) {
        return new OutputSpec(fileName, null);
    }
}
