import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { emulatorClientConfig } from './emulator';

/** Installed by test/support/install-emulators.sh, which the test command runs first. */
const MOTO_SERVER = path.join(__dirname, '..', '..', '.emulators', 'moto', 'bin', 'moto_server');

export interface Sqs {
  /** Base URL, usable as AWS_ENDPOINT_URL_SQS. */
  readonly endpoint: string;
  readonly client: SQSClient;
  /** Creates a standard queue; returns its URL. */
  createQueue(name: string): Promise<string>;
  /** Receives and deletes every message in the queue; returns their bodies. */
  drain(queueUrl: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** Starts moto's server (SQS) on an ephemeral loopback port; it prints the port it bound. */
export async function startSqs(): Promise<Sqs> {
  const child = spawn(MOTO_SERVER, ['-H', '127.0.0.1', '-p', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const endpoint = await boundAddress(child);
  const client = new SQSClient(emulatorClientConfig(endpoint));

  async function createQueue(name: string): Promise<string> {
    const { QueueUrl: url } = await client.send(new CreateQueueCommand({ QueueName: name }));
    return url!;
  }

  async function drain(queueUrl: string): Promise<string[]> {
    const bodies: string[] = [];
    for (;;) {
      const { Messages: messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
      if (messages.length === 0) {
        return bodies;
      }
      bodies.push(...messages.map((m) => m.Body!));
      await client.send(new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }));
    }
  }

  async function stop(): Promise<void> {
    client.destroy();
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill();
    await exited;
  }

  return { endpoint, client, createQueue, drain, stop };
}

function boundAddress(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        child.stderr!.off('data', onData);
        child.stdout!.off('data', onData);
        // Keep draining the pipes so a chatty server never blocks on a full buffer.
        child.stderr!.resume();
        child.stdout!.resume();
        resolve(match[1]);
      }
    };
    child.stderr!.on('data', onData);
    child.stdout!.on('data', onData);
    child.once('error', (err) => reject(new Error(`moto_server did not start (${err.message}); run test/support/install-emulators.sh`)));
    child.once('exit', (code) => reject(new Error(`moto_server exited with ${code} before listening:\n${output}`)));
  });
}
