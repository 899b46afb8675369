import { PROGRAM } from './args';
import { main } from './main';
import { stopOnSignals } from './signals';

// The entry point of the bundle (assets/cli/index.js, the npm bin): wires the process to main and nothing else.
const stop = new AbortController();
const stopListening = stopOnSignals(process, stop, process.stderr, (code) => process.exit(code));

main({ argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr, stopSignal: stop.signal })
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${PROGRAM}: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    },
  )
  .finally(stopListening);
