/**
 * Runs each stage instance in its own Node worker process on this machine.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execaNode } from 'execa';
import type { ExecHooks, ExecOutcome, Executor, RunningInstance } from './executor.js';
import type { FromWorker, ToWorker, WorkerTask } from './worker-protocol.js';

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));

export class LocalExecutor implements Executor {
  start(task: WorkerTask, hooks: ExecHooks): RunningInstance {
    mkdirSync(dirname(hooks.logFile), { recursive: true });
    const log = createWriteStream(hooks.logFile, { flags: 'a' });
    const stamp = (line: string) => `${new Date().toISOString()} ${line}\n`;
    log.write(stamp(`start ${task.instanceId} (key ${task.key}, backend ${task.backend})`));

    const subprocess = execaNode(WORKER, [], {
      ipc: true,
      reject: false,
      buffer: false,
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
    });
    // Stages should not print; whatever they print still ends up in the log.
    subprocess.stdout?.on('data', (chunk: Buffer) => log.write(chunk));
    subprocess.stderr?.on('data', (chunk: Buffer) => log.write(chunk));
    const send = (message: ToWorker) => subprocess.sendMessage(message as never).catch(() => {});

    const done = (async (): Promise<ExecOutcome> => {
      let outcome: ExecOutcome | undefined;
      // The log gets a line when the phase changes, not one per progress tick.
      let phase: string | undefined;
      const listen = (async () => {
        for await (const raw of subprocess.getEachMessage()) {
          const message = raw as FromWorker;
          if (message.type === 'progress') {
            hooks.onProgress(message.event);
            if (message.event.phase !== undefined && message.event.phase !== phase) {
              phase = message.event.phase;
              log.write(stamp(`phase ${phase}`));
            }
          } else if (message.type === 'log') {
            log.write(stamp(message.message));
          } else if (message.type === 'result') {
            outcome = { ok: true, manifest: message.manifest };
          } else if (message.type === 'error') {
            log.write(stamp(`error: ${message.stack ?? message.message}`));
            outcome = {
              ok: false,
              reason: message.aborted ? 'aborted' : 'failed',
              message: message.message,
            };
          }
        }
      })();
      await send({ type: 'start', task });
      const result = await subprocess;
      await listen.catch(() => {});
      if (outcome === undefined) {
        const how =
          result.signal !== undefined
            ? `was killed by ${result.signal}`
            : `exited with code ${result.exitCode ?? '?'}`;
        outcome = {
          ok: false,
          reason: 'crashed',
          message: `the worker process ${how} before reporting a result`,
        };
      }
      log.write(stamp(outcome.ok ? 'done' : `${outcome.reason}: ${outcome.message}`));
      await new Promise<void>((resolve) => log.end(resolve));
      return outcome;
    })();

    return {
      done,
      abort: () => void send({ type: 'abort' }),
      kill: () => void subprocess.kill('SIGKILL'),
      pid: subprocess.pid,
    };
  }
}
