package dev.ripple.placement.trace;

/**
 * What a trace was recorded from, stored in the trace file header so a trace always says how it
 * was made.
 *
 * @param model  the source model (file name or identifier)
 * @param corpus the text it was run on (file name and the part used, e.g. "europarl en, lines 0-999")
 * @param rule   the activity rule, in its textual form (e.g. "act > 0")
 * @param tokens number of tokens recorded
 */
public record TraceInfo(String model, String corpus, String rule, long tokens) {}
