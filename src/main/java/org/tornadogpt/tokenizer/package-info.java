/**
 * Tokenizers: text to ids and back.
 * <pre>
 *   Tokenizer tok = Gpt2Tokenizer.get();              // or CharTokenizer.fromText(wholeText)
 *   int[] ids = tok.encode(text);                     // "&lt;|endoftext|&gt;" -&gt; 50256 for gpt2
 *   Map&lt;String, String&gt; md = tok.metadata();         // store in the checkpoint
 *   Tokenizer again = Tokenizer.fromMetadata(md);     // when loading it
 *   StreamingDecoder dec = tok.streamingDecoder();    // generation: print dec.push(id), then dec.flush()
 * </pre>
 */
package org.tornadogpt.tokenizer;
