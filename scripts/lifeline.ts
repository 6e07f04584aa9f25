/**
 * Notices when the process that started this one has gone. Process managers and IDE stop
 * buttons signal `npm` alone, and npm forwards the signal to its script shell; Debian's `sh`
 * (dash) does not exec the command, so the shell dies of the signal and its child is left
 * running under PID 1 with the ports still held. A runner that polls its parent stops with it,
 * whatever shell, wrapper or signal sat in between.
 */

/** Calls `onGone` once, soon after this process's parent exits; returns a function that stops watching. */
export function watchParent(onGone: () => void, intervalMs = 250): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    // `process.ppid` is read afresh each time: an orphan is adopted by PID 1 or a subreaper.
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
