import { EventEmitter } from 'node:events';
import { TextBuffer } from './fixtures';
import { stopOnSignals } from '../../../lambda-src/cli/signals';

describe('stopOnSignals', () => {
  test('the first SIGINT asks the run to stop; the second exits at once with 130', () => {
    const process = new EventEmitter();
    const stop = new AbortController();
    const stderr = new TextBuffer();
    const exits: number[] = [];
    stopOnSignals(process, stop, stderr, (code) => exits.push(code));

    process.emit('SIGINT', 'SIGINT');
    expect(stop.signal.reason).toBe('SIGINT');
    expect(exits).toEqual([]);
    expect(stderr.text).toBe('\nSIGINT: stopping; waiting for the requests in flight (press Ctrl-C again to exit at once)\n');

    process.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([130]);
    expect(stderr.text).toMatch(/\nSIGINT again: exiting without waiting\n$/);
  });

  test('SIGTERM stops the same way, and exits with 143 when repeated', () => {
    const process = new EventEmitter();
    const stop = new AbortController();
    const exits: number[] = [];
    stopOnSignals(process, stop, new TextBuffer(), (code) => exits.push(code));

    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGTERM', 'SIGTERM');

    expect(stop.signal.reason).toBe('SIGTERM');
    expect(exits).toEqual([143]);
  });

  test('stops listening when disposed', () => {
    const process = new EventEmitter();
    const dispose = stopOnSignals(process, new AbortController(), new TextBuffer(), () => undefined);

    dispose();

    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual([0, 0]);
  });
});
