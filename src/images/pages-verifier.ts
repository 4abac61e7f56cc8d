// Checks pages files against checksums.img on a worker thread, so that a restore hashes
// its pages while it builds the tree (the restorer reads the same pages on the other CPU).
// The caller awaits the verdict before any task may run; a mismatch comes back as the
// ImageError the check threw.
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { packageRoot } from '../sys/native.js';
import { checkAllPages, type PagesCheck } from './checksums.js';
import { ImageError } from './error.js';

interface Job {
  dir: string;
  checks: PagesCheck[];
}

interface Counts {
  pageEntries: number;
  pages: number;
}

type Verdict = Counts | { error: { file: string; offset: number; expected: string } | { message: string } };

export class PagesVerifier {
  private constructor(
    private readonly worker: Worker,
    /** The pages' counts once all match; rejects with the first mismatch. */
    readonly verdict: Promise<Counts>,
  ) {
    // Awaited only if the restore gets that far; a failure before then is not this one's.
    verdict.catch(() => {});
  }

  /** Starts checking in a worker (the built module: a worker cannot load TypeScript). */
  static start(dir: string, checks: PagesCheck[]): PagesVerifier {
    const job: Job = { dir, checks };
    const worker = new Worker(path.join(packageRoot(), 'dist', 'src', 'images', 'pages-verifier.js'), { workerData: job });
    const verdict = new Promise<Counts>((resolve, reject) => {
      worker.once('message', (v: Verdict) => {
        if (!('error' in v)) return resolve(v);
        const e = v.error;
        reject('file' in e ? new ImageError(e.file, e.offset, e.expected) : new Error(`criu-ts: checking the pages: ${e.message}`));
      });
      worker.once('error', (e) => reject(new Error(`criu-ts: checking the pages: ${e.message}`)));
      worker.once('exit', (code) => reject(new Error(`criu-ts: the pages check ended (exit ${code}) without a verdict`)));
    });
    return new PagesVerifier(worker, verdict);
  }

  /** Ends the worker, done or not (the restore is over, or failed before it needed the verdict). */
  stop(): void {
    void this.worker.terminate();
  }
}

if (!isMainThread && parentPort && (workerData as Job | undefined)?.checks) {
  const job = workerData as Job;
  let verdict: Verdict;
  try {
    // Buffers arrive as plain Uint8Arrays.
    verdict = checkAllPages(job.dir, job.checks.map((c) => ({ ...c, digests: c.digests.map((d) => Buffer.from(d.buffer, d.byteOffset, d.byteLength)) })));
  } catch (e) {
    verdict = { error: e instanceof ImageError ? { file: e.file, offset: e.offset, expected: e.expected } : { message: (e as Error).message } };
  }
  parentPort.postMessage(verdict);
}
