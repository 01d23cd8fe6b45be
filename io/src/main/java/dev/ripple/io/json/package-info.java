/**
 * JSON shared by Ripple's reports and input files: numbers that were not measured written as
 * {@code null} ({@link dev.ripple.io.json.NonFiniteAsNull}), and a parse or mapping error told in
 * the file's terms, field and line ({@link dev.ripple.io.json.JsonFileProblem}).
 */
package dev.ripple.io.json;
