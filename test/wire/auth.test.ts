/** Authenticated frames: sealing, opening, the session echo, and every tampering refused with a reason. */
import test from 'ava';
import { ElectionNode } from '../../src/node/election-node.js';
import { FROM_RIGHT, RIGHT_PEER } from '../../src/node/ring.js';
import { decodeFrame, encodeFrame, isSealed, openFrame, sealFrame, type FrameInput } from '../../src/wire/index.js';
import { encodeNodeFrame } from '../helpers/node-frames.js';

const KEY = new TextEncoder().encode('0123456789abcdef-cluster');
const WRONG = new TextEncoder().encode('0123456789abcdef-another');
const frame: FrameInput = {
  lane: 1,
  session: 77,
  epoch: 6,
  ring: 0xabcd,
  ack: { cumulative: 2, selective: [4] },
  data: { seq: 3, payload: { kind: 'announcement', leader: 9 } },
};

test('auth: a sealed frame opens to the plain frame and its echo', (t) => {
  const sealed = sealFrame(encodeFrame(frame), 1234, KEY);
  t.true(isSealed(sealed));
  t.is(sealed.length, encodeFrame(frame).length + 36);
  const r = openFrame(sealed, KEY);
  t.true(r.ok);
  if (!r.ok) return;
  t.is(r.echo, 1234);
  t.deepEqual(decodeFrame(r.plain), { ok: true, frame });
});

test('auth: a wrong key, a missing MAC and every single-bit change are refused with a reason', (t) => {
  const sealed = sealFrame(encodeFrame(frame), 1234, KEY);
  t.like(openFrame(sealed, WRONG), { ok: false, reason: 'bad-mac' });
  t.like(openFrame(encodeFrame(frame), KEY), { ok: false, reason: 'no-mac' });
  // The plain decoder refuses the flagged type byte: an old keyless build sees a malformed frame.
  t.like(decodeFrame(sealed), { ok: false, reason: 'malformed' });
  for (let bit = 0; bit < sealed.length * 8; bit++) {
    const b = sealed.slice();
    b[bit >> 3] = b[bit >> 3]! ^ (1 << (bit & 7));
    const r = openFrame(b, KEY);
    t.false(r.ok, `bit ${bit}`);
  }
});

test('auth: a keyed node refuses a frame of another version as version, short or long', (t) => {
  const sealed = sealFrame(encodeFrame(frame), 1234, KEY);
  for (const length of [3, 14, sealed.length]) {
    const b = sealed.slice(0, length);
    b[2] = 1;
    t.like(openFrame(b, KEY), { ok: false, reason: 'version' }, `${length} bytes`);
  }
});

function endpoint(key?: Uint8Array): ElectionNode {
  const e = new ElectionNode({ id: 1, session: 5, random: () => 0.5, ...(key ? { key } : {}) });
  e.start(0);
  return e;
}
const fromRight = FROM_RIGHT;

test('auth: a keyless node drops MAC\'d frames and a keyed node drops plain and wrong-key frames, each counted', (t) => {
  const plain = encodeNodeFrame({ ...frame, lane: 0 });
  const keyless = endpoint();
  keyless.onDatagram(1, sealFrame(plain, 5, KEY), fromRight);
  t.is(keyless.stats.datagrams.dropped['unexpected-mac'], 1);
  const keyed = endpoint(KEY);
  keyed.onDatagram(1, plain, fromRight);
  keyed.onDatagram(1, sealFrame(plain, 5, WRONG), fromRight);
  t.is(keyed.stats.datagrams.dropped['no-mac'], 1);
  t.is(keyed.stats.datagrams.dropped['bad-mac'], 1);
  t.is(keyed.stats.algorithm.received.announcement, 0);
});

test('auth: a keyed node holds a frame until its sender echoes our session, then delivers it', (t) => {
  const keyed = endpoint(KEY);
  const data = encodeNodeFrame({ ...frame, lane: 0 });
  // Echo 0: the sender does not know our session yet. Held, and answered with an echo of 77.
  const out = keyed.onDatagram(1, sealFrame(data, 0, KEY), fromRight);
  t.is(keyed.stats.algorithm.received.announcement, 0);
  const answer = out.find((o) => o.type === 'transmit' && o.peer === RIGHT_PEER);
  t.truthy(answer);
  if (answer?.type === 'transmit') t.like(openFrame(answer.bytes, KEY), { ok: true, echo: 77 });
  // A pure ack from session 77 echoing our session 5 proves it: the held announcement is delivered.
  keyed.onDatagram(2, sealFrame(encodeFrame({ lane: 0, session: 77, ack: { cumulative: 0, selective: [] } }), 5, KEY), fromRight);
  t.is(keyed.stats.algorithm.received.announcement, 1);
  t.is(keyed.state().leader, 9);
});
