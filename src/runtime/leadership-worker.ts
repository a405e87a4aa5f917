/**
 * The worker thread of createMember({ thread: true }): runs an ordinary member here, so its
 * socket, timers and state file are served by this thread's event loop, and reports to the thread
 * that created it. The lease is written to the shared cell before the event that announces it
 * is posted, so isLeader() over there never lags behind a message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DEFAULT_TIMING } from '../core/leadership/settings.js';
import { toProcessMs } from './clock.js';
import { LeaseCell } from './lease-cell.js';
import { type HsRingMember, type MemberStatus, type Term, createMember } from './leadership-member.js';
import { type FromWorker, type ToWorker, type WorkerStart, errorData } from './leadership-thread-messages.js';

const port = parentPort!;
const { options, lease } = workerData as WorkerStart;
const cell = new LeaseCell(lease);
const post = (m: FromWorker) => port.postMessage(m);

try {
  serve(await createMember(options));
} catch (err) {
  post({ type: 'error', error: errorData(err) });
  // Nothing else holds this thread: it ends.
  port.close();
}

function serve(member: HsRingMember): void {
  const status = (): MemberStatus => {
    const s = member.status();
    // Every time in it crosses on the process clock: this thread's performance.now() has its own origin.
    const term = (t: Term | null): Term | null => t && { ...t, sinceMs: toProcessMs(t.sinceMs), lastMs: toProcessMs(t.lastMs) };
    return { ...s, leaseEndMs: s.leaseEndMs === null ? null : toProcessMs(s.leaseEndMs), term: term(s.term), previousTerm: term(s.previousTerm) };
  };
  // Counters change between events: a fresh status every heartbeat keeps status() over there current.
  const refresh = setInterval(() => post({ type: 'status', status: status() }), options.timing?.heartbeat ?? DEFAULT_TIMING.heartbeat);
  const stop = () => {
    clearInterval(refresh);
    port.close();
  };

  member.on('leader', ({ token, epoch, leaseEndMs, leaseLeftMs, atMs }) => {
    cell.write({ epoch, leaseEndMs: toProcessMs(leaseEndMs) });
    post({ type: 'event', name: 'leader', data: { token, epoch, leaseEndMs: toProcessMs(leaseEndMs), leaseLeftMs, atMs: toProcessMs(atMs) }, status: status() });
  });
  member.on('lease', ({ epoch, leaseEndMs, leaseLeftMs, atMs }) => {
    cell.write({ epoch, leaseEndMs: toProcessMs(leaseEndMs) });
    post({ type: 'event', name: 'lease', data: { epoch, leaseEndMs: toProcessMs(leaseEndMs), leaseLeftMs, atMs: toProcessMs(atMs) }, status: status() });
  });
  member.on('deposed', (e) => {
    cell.write(null);
    post({ type: 'event', name: 'deposed', data: { ...e, atMs: toProcessMs(e.atMs) }, status: status() });
  });
  member.on('follower', (e) => post({ type: 'event', name: 'follower', data: { ...e, atMs: toProcessMs(e.atMs) }, status: status() }));
  member.on('drop', (e) => post({ type: 'event', name: 'drop', data: e, status: status() }));
  member.on('suspect', (e) => post({ type: 'event', name: 'suspect', data: { ...e, lastHeardMs: e.lastHeardMs === null ? null : toProcessMs(e.lastHeardMs), atMs: toProcessMs(e.atMs) }, status: status() }));
  member.on('trust', (e) => post({ type: 'event', name: 'trust', data: { ...e, atMs: toProcessMs(e.atMs) }, status: status() }));
  member.on('address', (e) => post({ type: 'event', name: 'address', data: { ...e, atMs: toProcessMs(e.atMs) }, status: status() }));
  member.on('failed', ({ error }) => {
    cell.write(null);
    post({ type: 'failed', error: errorData(error), status: status() });
    stop();
  });

  port.on('message', (m: ToWorker) => {
    switch (m.type) {
      case 'start':
        member.start();
        break;
      case 'resign': {
        const s = member.status();
        const resigned = s.role === 'leader' && s.epoch === m.epoch ? member.resign() : Promise.resolve();
        void resigned.then(() => post({ type: 'done', req: m.req }));
        break;
      }
      case 'close':
        void member.close().then(() => {
          cell.write(null);
          post({ type: 'done', req: m.req });
          stop();
        });
        break;
    }
  });

  post({ type: 'ready', id: member.id, address: member.address, status: status() });
}
