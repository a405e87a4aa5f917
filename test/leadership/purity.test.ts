/**
 * The leadership core is pure like the rest of src/core: no node: modules, clock, timers,
 * randomness or process, and no import from outside src/core. (test/layers.test.ts reads only
 * the top of src/core; this covers src/core/leadership.)
 */
import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../../../src/core/leadership/', import.meta.url));

test('layers: src/core/leadership is pure and imports only from src/core', (t) => {
  const banned = /from\s*'node:|\bimport\s*\(|\bDate\b|Math\.random|\bset(?:Timeout|Interval|Immediate)\b|\bperformance\b|\bprocess\./;
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  t.true(files.length > 0, `found at ${dir}`);
  for (const file of files) {
    const text = readFileSync(dir + file, 'utf8');
    const hits = text.split('\n').flatMap((l, i) => (banned.test(l) ? [`${file}:${i + 1}: ${l.trim()}`] : []));
    t.deepEqual(hits, [], file);
    for (const m of text.matchAll(/\bfrom\s*'([^']+)'/g)) {
      t.true(m[1]!.startsWith('./') || m[1]!.startsWith('../'), `${file} imports ${m[1]}`);
      t.false(/^\.\.\/\.\./.test(m[1]!), `${file} imports ${m[1]} from outside src/core`);
    }
  }
});
