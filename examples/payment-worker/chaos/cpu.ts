/** CPU time of processes from /proc (Linux; USER_HZ is 100 wherever Node.js runs), ms; null where unreadable. */
import { readFileSync } from 'node:fs';

const MS_PER_TICK = 10;

/** The fields after the command name of /proc/PID/stat (the name may hold spaces): index 0 is field 3, `state`. */
function statFields(pid: number | 'self'): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** User + system CPU a live process has used, ms. */
export function processCpuMs(pid: number | undefined): number | null {
  const f = pid === undefined ? null : statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) * MS_PER_TICK : null;
}

/** CPU of this process and of every child it has waited for (replicas, servers, their start-up included), ms. */
export function selfAndChildrenCpuMs(): number | null {
  const f = statFields('self');
  return f ? (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * MS_PER_TICK : null;
}
