/**
 * Calibration text: plain or gzip passage-per-line files, and the English part of Lucene's Europarl
 * sample split into disjoint calibration and held-out sets.
 */
package dev.ripple.placement.text;
