import { constants } from 'node:os';
import { TextOutput } from './progress';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** The slice of process that signal handling needs. */
export interface SignalSource {
  on(signal: StopSignal, listener: (signal: StopSignal) => void): unknown;
  off(signal: StopSignal, listener: (signal: StopSignal) => void): unknown;
}

/**
 * The first SIGINT or SIGTERM aborts `stop` with the signal's name, for the run to wind down; the next one exits at
 * once, with the shell's code for death by that signal (130 for SIGINT). Returns a function that stops listening.
 */
export function stopOnSignals(source: SignalSource, stop: AbortController, stderr: TextOutput, exit: (code: number) => void): () => void {
  const onSignal = (signal: StopSignal) => {
    if (!stop.signal.aborted) {
      stop.abort(signal);
      stderr.write(`\n${signal}: stopping; waiting for the requests in flight (press Ctrl-C again to exit at once)\n`);
      return;
    }
    stderr.write(`\n${signal} again: exiting without waiting\n`);
    exit(128 + constants.signals[signal]);
  };
  source.on('SIGINT', onSignal);
  source.on('SIGTERM', onSignal);
  return () => {
    source.off('SIGINT', onSignal);
    source.off('SIGTERM', onSignal);
  };
}
