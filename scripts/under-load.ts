/**
 * Runs a command while every core is kept busy, the way a shared CI machine or a laptop
 * compiling something else would: one `yes > /dev/null` per core, started before the command
 * and stopped (by PID) after it, however it ends. The browser tests must pass like this.
 *
 *   npm run test:e2e:loaded                 # the browser suite under load
 *   tsx scripts/under-load.ts <command…>    # anything else
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('Usage: tsx scripts/under-load.ts <command> [args…]');
  process.exit(2);
}

const burners: ChildProcess[] = Array.from({ length: availableParallelism() }, () =>
  spawn('yes', { stdio: ['ignore', 'ignore', 'ignore'] }),
);
console.log(`Under load: ${burners.length} × yes (PIDs ${burners.map((b) => b.pid).join(', ')})`);

function stopBurners() {
  for (const burner of burners) {
    if (burner.exitCode === null && burner.signalCode === null) burner.kill('SIGTERM');
  }
}
process.on('exit', stopBurners);

const child = spawn(command, args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    child.kill(signal);
    stopBurners();
  });
}
child.on('exit', (code, signal) => {
  stopBurners();
  console.log(`Under load: ${command} ${args.join(' ')} ended with ${signal ?? `code ${code}`}`);
  process.exit(code ?? 1);
});
