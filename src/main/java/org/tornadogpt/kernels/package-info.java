/**
 * The model's compute, written once as TornadoVM kernels.
 *
 * <p>Rules every kernel here obeys (TornadoVM's kernel rules, checked by a unit test that reads the
 * class files): a public static void method; parameters are {@code FloatArray}, {@code IntArray}
 * or primitives; no allocation, no exceptions, no recursion, no calls other than the arrays'
 * {@code get/set/getSize}, {@link uk.ac.manchester.tornado.api.math.TornadoMath} and small static
 * helpers of this package that obey the same rules (TornadoVM inlines them; the one such helper is
 * {@code DropoutKernels.keepScale}); no unsigned shift {@code >>>} (TornadoVM 5.2's OpenCL backend emits
 * it as a signed {@code >>}: write {@code (x >> s) & mask}); no {@code @Reduce} (sums are explicit
 * loops per row); at most
 * 15 parameters.
 *
 * <p>Launch convention: the first two parameters are {@code int first, int count} and the one
 * parallel loop is {@code for (@Parallel int i = 0; i < count; i++) { int r = first + i; ... }}.
 * TornadoVM is given {@code (0, n)} and maps {@code i} to device threads (global size n); the JVM
 * runtime splits {@code [0, n)} into chunks and runs them on all cores. A {@code @Parallel} loop
 * must start at a constant: TornadoVM 5.2's OpenCL backend refuses {@code for (r = first; ...)}.
 *
 * <p>Argument order: outputs, saved activations, inputs, weights, then sizes. Buffers are passed
 * with an element offset ({@code xOff}) so one flat buffer can hold all layers.
 *
 * <p>Backward kernels sit beside their forward ({@code backward...}). They accumulate ({@code +=})
 * into parameter gradients (the tied {@code wte} gets the LM head's and the embedding's parts) and
 * into the residual-stream gradient; a gradient with a single producer (per-layer scratch such as
 * the input gradient of a dense layer) is written ({@code =}), which saves zeroing it. Where several
 * threads would write one element (repeated tokens, keys summed over queries, weights summed over
 * rows) the kernel is parallel over the dimension that does not collide: no atomics, and the same
 * summation order on every device. Per-step values (step, dropout seed and rate, learning rate,
 * bias corrections) are read from the small arrays described by {@link org.tornadogpt.kernels.StepSlots}.
 */
package org.tornadogpt.kernels;
