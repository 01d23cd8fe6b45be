package dev.ripple.io.reader;

/** A reader that records the most reads it ever had in flight, for the contract test of queue depth. */
interface InFlightGauge {
    /** Most reads in flight at once over all requests so far. */
    int peakInFlight();
}
