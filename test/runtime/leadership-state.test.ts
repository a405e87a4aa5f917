/** A member's state directory: what was saved is loaded back, a missing one is FRESH, a crash's leftover tmp file is ignored, a corrupt file is refused. */
import test from 'ava';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FRESH } from '../../src/core/leadership/types.js';
import { CorruptStateError, InvalidConfigError } from '../../src/errors.js';
import { STATE_FILE, loadState, prepareStateDir, saveState } from '../../src/runtime/leadership-state.js';

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'hs-ring-state-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('state: a missing directory or file is FRESH; what was saved is loaded back, the last save winning', (t) => {
  const dir = tempDir(t);
  t.deepEqual(loadState(join(dir, 'absent')), FRESH);
  t.deepEqual(loadState(dir), FRESH);
  saveState(dir, { promised: 7, counter: 1 });
  saveState(dir, { promised: 12, counter: 2 });
  t.deepEqual(loadState(dir), { promised: 12, counter: 2 });
  t.deepEqual(readdirSync(dir), [STATE_FILE], 'no temporary file left behind by a completed save');
});

test('state: a temporary file a crash left behind is ignored, and the next save replaces it', (t) => {
  const dir = tempDir(t);
  saveState(dir, { promised: 5, counter: 1 });
  // A crash after the write of a newer state but before its rename: the old state stands.
  writeFileSync(join(dir, `${STATE_FILE}.tmp`), '{"promised": 9, "cou');
  t.deepEqual(loadState(dir), { promised: 5, counter: 1 });
  saveState(dir, { promised: 10, counter: 2 });
  t.deepEqual(loadState(dir), { promised: 10, counter: 2 });
  t.false(existsSync(join(dir, `${STATE_FILE}.tmp`)));
});

test('state: a corrupt state file is refused with CorruptStateError, never read as FRESH', (t) => {
  const dir = tempDir(t);
  for (const text of ['', '{"promised": 3', '{"promised": "3", "counter": 1}', '{"promised": 3}', '{"promised": -2, "counter": 0}', '{"promised": 3, "counter": 1.5}', 'null']) {
    writeFileSync(join(dir, STATE_FILE), text);
    const err = t.throws(() => loadState(dir), { instanceOf: CorruptStateError }, text);
    t.is(err?.code, 'CorruptState');
  }
});

test('state: a state directory that cannot be created is an InvalidConfigError', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'file'), 'x');
  t.throws(() => prepareStateDir(join(dir, 'file', 'sub')), { instanceOf: InvalidConfigError, message: /stateDir: cannot create .* \(ENOTDIR\)/ });
  prepareStateDir(join(dir, 'a', 'b'));
  t.true(existsSync(join(dir, 'a', 'b')));
});
