/** The configuration a node process is started with, and its validation (it arrives as JSON). */
import { ALGORITHM_NAMES, type AlgorithmName, isAlgorithmName, isRingAlgorithm } from '../core/algorithms.js';
import { checkUnique, parseId } from '../config/ids.js';
import { InvalidConfigError } from '../errors.js';
import { DEFAULT_LINK_CONFIG, type LinkConfig, linkConfigProblem } from '../link/config.js';
import { checkPlacement } from '../config/placement.js';
import { type Member, type Placement, parseRing } from '../config/ring-file.js';
import { type Address, checkDistinctAddresses, checkHost, checkPort } from '../config/address.js';
import { type FaultConfig, faultConfigProblem } from '../transport/faulty.js';
import { DEFAULT_TIMEOUT_MS, timeoutProblem } from '../runtime/link-settings.js';

/**
 * Everything a node process needs to run its nodes, already resolved: `hs-ring node` builds it
 * from its flags, `hs-ring launch` sends it to each child as one JSON line (see node-process.ts).
 */
export interface NodeConfig {
  /** The members this process hosts, each on its own socket (one, or a stretch of the ring). */
  readonly placements: readonly Placement[];
  readonly link: LinkConfig;
  /** Give up and report the unreachable neighbour after this many ms. */
  readonly timeoutMs: number;
  /** Faults inflicted on send; the seed is pinned, each node derives its own stream from it. */
  readonly faults?: FaultConfig;
  /** Cluster key file: read by the node process itself, so the key never travels on a pipe. */
  readonly keyFile?: string;
  /** Trace file name; `{id}` in it stands for the node id (needed when several nodes share a process). */
  readonly trace?: string;
  /** The election algorithm (the registry's default when absent). */
  readonly algorithm?: AlgorithmName;
  /**
   * For a mesh algorithm (Bully, Raft-style): every member of the mesh with its address, the
   * hosted ones included; each node links to all the others.
   */
  readonly mesh?: readonly Member[];
  /** Report phase changes (default true); the launcher turns them off when it shows no progress, sparing a pipe write per phase. */
  readonly phaseEvents?: boolean;
}

/** The link and fault settings every node of a launched ring shares. */
export type NodeSettings = Omit<NodeConfig, 'placements' | 'trace' | 'phaseEvents'>;

/** Settings of a node left at every default: the default link, no faults, no key, `timeoutMs` to give up. */
export function defaultNodeSettings(timeoutMs = DEFAULT_TIMEOUT_MS): NodeSettings {
  return { link: DEFAULT_LINK_CONFIG, timeoutMs };
}

/**
 * Validates a NodeConfig that arrived as JSON (from the launcher, or a person driving the child
 * by hand); an InvalidConfigError names the first field that is wrong.
 */
export function checkNodeConfig(value: unknown): NodeConfig {
  const c = record(value, 'node config');
  const list = c.placements;
  if (!Array.isArray(list) || list.length === 0) throw new InvalidConfigError('node config: "placements" must be a non-empty list');
  const placements = list.map((p: unknown, i) => placementFrom(p, `node config: placements[${i}]`));
  checkUnique(placements.map((p) => p.id), 'node config: placements');
  checkDistinctAddresses(placements, (p) => p.listen, 'node config: placements', 'listen address');
  const link = checkLink(c.link);
  const linkProblem = linkConfigProblem(link);
  if (linkProblem) throw new InvalidConfigError(`node config: link: ${linkProblem}`);
  const timeoutMs = c.timeoutMs;
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new InvalidConfigError(`node config: "timeoutMs" must be a positive number of ms, got ${JSON.stringify(timeoutMs)}`);
  }
  const late = timeoutProblem(timeoutMs, link.lingerMs);
  if (late) throw new InvalidConfigError(`node config: "timeoutMs" ${late}`);
  let faults: FaultConfig | undefined;
  if (c.faults !== undefined) {
    const f = record(c.faults, 'node config: faults');
    const delayMs = f.delayMs;
    if (!Array.isArray(delayMs) || delayMs.length !== 2) throw new InvalidConfigError('node config: faults: "delayMs" must be [MIN, MAX]');
    if (typeof f.reorder !== 'boolean') throw new InvalidConfigError('node config: faults: "reorder" must be true or false');
    for (const [k, v] of [['loss', f.loss], ['duplicate', f.duplicate], ['seed', f.seed], ['delayMs[0]', delayMs[0]], ['delayMs[1]', delayMs[1]]] as const) {
      if (typeof v !== 'number') throw new InvalidConfigError(`node config: faults: "${k}" must be a number, got ${JSON.stringify(v)}`);
    }
    faults = { loss: f.loss, duplicate: f.duplicate, delayMs: [delayMs[0], delayMs[1]], reorder: f.reorder, seed: f.seed } as FaultConfig;
    const problem = faultConfigProblem(faults);
    if (problem) throw new InvalidConfigError(`node config: faults: ${problem}`);
  }
  for (const k of ['keyFile', 'trace'] as const) {
    if (c[k] !== undefined && (typeof c[k] !== 'string' || c[k] === '')) throw new InvalidConfigError(`node config: "${k}" must be a file name`);
  }
  if (c.phaseEvents !== undefined && typeof c.phaseEvents !== 'boolean') throw new InvalidConfigError('node config: "phaseEvents" must be true or false');
  if (c.algorithm !== undefined && (typeof c.algorithm !== 'string' || !isAlgorithmName(c.algorithm))) {
    throw new InvalidConfigError(`node config: "algorithm" must be one of ${ALGORITHM_NAMES.join(', ')}, got ${JSON.stringify(c.algorithm)}`);
  }
  let mesh: Member[] | undefined;
  if (c.algorithm !== undefined && !isRingAlgorithm(c.algorithm as AlgorithmName)) {
    if (!Array.isArray(c.mesh)) throw new InvalidConfigError(`node config: "mesh" must list every member of the ${String(c.algorithm)} mesh`);
    mesh = parseRing({ members: c.mesh }, 'node config: mesh');
    const missing = placements.find((p) => !mesh!.some((m) => m.id === p.id));
    if (missing) throw new InvalidConfigError(`node config: mesh: node ${missing.id} is hosted but not a member`);
  }
  return {
    placements,
    ...(mesh ? { mesh } : {}),
    link,
    timeoutMs,
    ...(c.phaseEvents === false ? { phaseEvents: false } : {}),
    ...(c.algorithm !== undefined ? { algorithm: c.algorithm as AlgorithmName } : {}),
    ...(faults ? { faults } : {}),
    ...(c.keyFile !== undefined ? { keyFile: c.keyFile as string } : {}),
    ...(c.trace !== undefined ? { trace: c.trace as string } : {}),
  };
}

/** Every field of a LinkConfig, each a number (linkConfigProblem then checks the values). */
function checkLink(value: unknown): LinkConfig {
  const l = record(value, 'node config: link');
  const link: Record<string, unknown> = {};
  for (const k of Object.keys(DEFAULT_LINK_CONFIG)) {
    if (typeof l[k] !== 'number') throw new InvalidConfigError(`node config: link: "${k}" must be a number`);
    link[k] = l[k];
  }
  return link as unknown as LinkConfig;
}

/** One placement: its fields, then where it sits, as `hs-ring node` and ring files are checked. */
function placementFrom(value: unknown, what: string): Placement {
  const p = record(value, what);
  if (typeof p.id !== 'number' && typeof p.id !== 'string') throw new InvalidConfigError(`${what}: "id" must be a number`);
  const placed = {
    id: parseId(p.id, `${what}.id`),
    listen: checkAddress(p.listen, `${what}.listen`),
    left: checkAddress(p.left, `${what}.left`),
    right: checkAddress(p.right, `${what}.right`),
    ...(p.ringDigest === undefined ? {} : { ringDigest: checkDigest(p.ringDigest, `${what}.ringDigest`) }),
  };
  return checkPlacement(placed, (part) => `${what}.${part}`);
}

function checkDigest(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new InvalidConfigError(`${what}: must be an integer in 0..2^32-1, got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkAddress(value: unknown, what: string): Address {
  const a = record(value, what);
  if (typeof a.host !== 'string') throw new InvalidConfigError(`${what}: "host" must be a string`);
  if (typeof a.port !== 'number') throw new InvalidConfigError(`${what}: "port" must be a number`);
  return { host: checkHost(a.host, what), port: checkPort(a.port, what) };
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidConfigError(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}
