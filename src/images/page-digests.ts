// Digests of pages as a PageWriter wrote them, one per pagemap entry, by pages file path:
// sealing a dump takes them instead of reading its pages files back (for a large tree that
// read was a third of the dump). Taken once; the sealer hashes the file itself when none
// were recorded or they do not describe the pagemap it seals (e.g. a failed earlier dump).
import path from 'node:path';

export interface PageDigests {
  /** sha256 of each pagemap entry's pages in the file, in order. */
  sha256: Buffer[];
  /** The number of pages each digest covers (0 for an entry with none in the file). */
  pages: bigint[];
}

const recorded = new Map<string, PageDigests>();

export function recordPageDigests(pagesFile: string, digests: PageDigests): void {
  recorded.set(path.resolve(pagesFile), digests);
}

/** The digests recorded for the pages file, if any; they are forgotten once taken. */
export function takePageDigests(pagesFile: string): PageDigests | undefined {
  const key = path.resolve(pagesFile);
  const d = recorded.get(key);
  recorded.delete(key);
  return d;
}
