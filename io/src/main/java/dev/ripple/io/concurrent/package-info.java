/**
 * Concurrency helpers shared by the io and core modules. {@link dev.ripple.io.concurrent.PerThread}
 * holds one value per calling thread (scratch arrays, working memory, io_uring rings) in a way that
 * survives the common pool clearing its workers' thread-locals, and frees the values of threads
 * that have ended.
 */
package dev.ripple.io.concurrent;
