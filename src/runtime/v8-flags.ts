/**
 * V8 flags of a node process. One node allocates and computes little, so it trades speed it
 * does not need for memory: a 1 MB young generation (default 16 MB) and --lite-mode (interpreter
 * only, no JIT; --no-expose-wasm silences its warning about WebAssembly, which nodes never use)
 * each save resident memory without changing the election time or CPU (`bench --only memory`).
 * Processes hosting many nodes keep the defaults: they do real work.
 */
export function nodeProcessV8Flags(nodes: number): string[] {
  return nodes === 1 ? ['--max-semi-space-size=1', '--lite-mode', '--no-expose-wasm'] : [];
}
