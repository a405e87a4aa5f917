/**
 * The full simulator's datagrams in flight, by number: queue events hold numbers only. A number
 * is reused once its datagram is taken, so the table never grows beyond the most datagrams ever
 * in flight at once. (Copying the bytes into one shared array instead, so the link's frames
 * would die young, was no faster.)
 */
export class PayloadStore {
  private readonly datagrams: (Uint8Array | undefined)[] = [];
  private readonly free: number[] = [];

  /** Keeps `datagram` and returns its number. */
  put(datagram: Uint8Array): number {
    const id = this.free.length > 0 ? this.free.pop()! : this.datagrams.length;
    this.datagrams[id] = datagram;
    return id;
  }

  /** The datagram numbered `id`; the number is free afterwards. */
  take(id: number): Uint8Array {
    const datagram = this.datagrams[id]!;
    this.datagrams[id] = undefined;
    this.free.push(id);
    return datagram;
  }
}
