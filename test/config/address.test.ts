/** Addresses: parsing HOST:PORT and telling two spellings of one endpoint apart. */
import test from 'ava';
import { checkDistinctAddresses } from '../../src/config/address.js';
import { ConfigError } from '../../src/errors.js';

const node = (id: number, host: string, port: number) => ({ id, at: { host, port } });

test('checkDistinctAddresses: one endpoint in two spellings is refused; port 0 (any free port) may repeat', (t) => {
  t.throws(() => checkDistinctAddresses([node(1, '127.0.0.1', 7000), node(2, '::FFFF:127.0.0.1', 7000)], (n) => n.at, 'ring'), {
    instanceOf: ConfigError,
    message: 'ring: ids 1 and 2 share the address 127.0.0.1:7000',
  });
  t.notThrows(() => checkDistinctAddresses([node(1, '127.0.0.1', 0), node(2, '127.0.0.1', 0)], (n) => n.at, 'ring'));
  t.notThrows(() => checkDistinctAddresses([node(1, '127.0.0.1', 7000), node(2, '127.0.0.2', 7000)], (n) => n.at, 'ring'));
});
