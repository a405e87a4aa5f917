/**
 * Waits until `condition()` holds, checking every `intervalMs`, for at most `timeoutMs`; resolves
 * with whether it held. For tests that wait on the network: a fixed sleep is either too short on
 * a loaded machine or wasted on an idle one, and a condition that never holds fails only at the
 * deadline, which can be generous.
 */
export async function waitFor(condition: () => boolean, timeoutMs = 10_000, intervalMs = 2): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (condition()) return true;
    if (performance.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
