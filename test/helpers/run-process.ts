import {spawn, type SpawnOptionsWithoutStdio} from 'node:child_process';

export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Both streams, interleaved as they arrived. */
  readonly output: string;
}

/** Runs a command to its end, collecting what it printed; rejects only when it cannot be started. */
export function runProcess(command: string, args: readonly string[], options: SpawnOptionsWithoutStdio): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, options);
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({code, stdout, stderr, output}));
  });
}
