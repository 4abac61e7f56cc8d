// The pages a previous (pre-)dump saved of one task, to compare with what the task has now:
// a page whose bytes are the same is recorded in-parent (PE_PARENT) instead of written again.
// Comparing bytes, not trusting a dirty bit, keeps this exact whatever ran in between.
import fs from 'node:fs';
import { PageChain } from '../images/page-chain.js';
import { PAGE_SIZE } from '../sys/page-size.js';

export class ParentPages {
  private readonly fds = new Map<number, number>();
  private readonly page = Buffer.alloc(PAGE_SIZE);

  private constructor(private readonly chain: PageChain) {}

  /** The previous dumps of pid's memory, undefined if dir has no parent dump holding pid. */
  static of(dir: string, pid: number): ParentPages | undefined {
    const chain = PageChain.ofParents(dir, `pagemap-${pid}.img`);
    return chain.depth > 0 ? new ParentPages(chain) : undefined;
  }

  /** True if the parent dumps hold the page at addr with the bytes of buf at off. */
  holds(addr: number, buf: Buffer, off: number): boolean {
    const at = BigInt(addr);
    const [run] = this.chain.find(at, at + BigInt(PAGE_SIZE)) ?? [];
    if (!run) return false;
    let fd = this.fds.get(run.layer);
    if (fd === undefined) {
      fd = fs.openSync(this.chain.layers[run.layer]!.pagesFile, 'r');
      this.fds.set(run.layer, fd);
    }
    if (fs.readSync(fd, this.page, 0, PAGE_SIZE, Number(run.off)) !== PAGE_SIZE) return false;
    return this.page.compare(buf, off, off + PAGE_SIZE) === 0;
  }

  close(): void {
    for (const fd of this.fds.values()) fs.closeSync(fd);
    this.fds.clear();
  }
}
