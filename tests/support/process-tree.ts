/**
 * The processes a test started, found through `ps` (Linux and macOS alike): a command's
 * descendants and the process groups they lead. Tests stop only these, by PID or by the
 * group of a process they started, never by name: other engineers' servers share the machine.
 */
import { execFileSync } from 'node:child_process';

export interface ProcessEntry {
  pid: number;
  ppid: number;
  pgid: number;
  command: string;
}

export function processTable(): ProcessEntry[] {
  const output = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,pgid=,args='], { encoding: 'utf8' });
  return output
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match) => match !== null)
    .map(([, pid, ppid, pgid, command]) => ({
      pid: Number(pid),
      ppid: Number(ppid),
      pgid: Number(pgid),
      command: command!,
    }));
}

/** Every process below `root`, children before grandchildren. */
export function descendantsOf(root: number, table = processTable()): ProcessEntry[] {
  const found: ProcessEntry[] = [];
  const parents = [root];
  while (parents.length > 0) {
    const parent = parents.shift()!;
    for (const entry of table) {
      if (entry.ppid !== parent) continue;
      found.push(entry);
      parents.push(entry.pid);
    }
  }
  return found;
}

/**
 * Which of the recorded processes, or of the process groups they led, are still alive. A
 * descendant orphaned by its parent's death is re-parented to PID 1, so it is found by its
 * PID or its group, not by walking the tree again.
 */
export function survivors(recorded: ProcessEntry[], table = processTable()): ProcessEntry[] {
  const pids = new Set(recorded.map((entry) => entry.pid));
  const groups = new Set(recorded.filter((e) => e.pgid === e.pid).map((e) => e.pgid));
  return table.filter((entry) => pids.has(entry.pid) || groups.has(entry.pgid));
}

/** SIGKILL to each group a recorded process leads and to each recorded PID; gone ones are skipped. */
export function killRecorded(recorded: ProcessEntry[]): void {
  for (const entry of recorded) {
    try {
      process.kill(entry.pgid === entry.pid ? -entry.pid : entry.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
