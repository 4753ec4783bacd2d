/**
 * Weight-file formats, independent of the model code.
 *
 * <ul>
 *   <li>{@link org.tornadogpt.weights.SafetensorsFile}: memory-mapped, fully validated safetensors reader;
 *       {@link org.tornadogpt.weights.ShardedSafetensors} does the same over a
 *       {@code model.safetensors.index.json}. Both are {@link org.tornadogpt.weights.TensorSource}s: look up
 *       tensors by name, read them as float32 (F16/BF16/F64 converted) or int32, optionally transposed
 *       (Conv1D {@code [in, out]} to {@code [out, in]}) straight into a {@code MemorySegment}.</li>
 *   <li>{@link org.tornadogpt.weights.SafetensorsWriter}: streaming writer with atomic replace.</li>
 *   <li>{@link org.tornadogpt.weights.LlmcCheckpoint}: llm.c {@code gpt2_*.bin}, version 3 (fp32) and 5 (bf16).</li>
 *   <li>{@link org.tornadogpt.weights.HfConfig}: GPT-2 {@code config.json}.</li>
 * </ul>
 *
 * <p>Every defect in a file is a {@link org.tornadogpt.weights.WeightFormatException} with a one-line
 * message naming the file and, where relevant, the tensor.
 */
package org.tornadogpt.weights;
