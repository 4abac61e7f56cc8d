// Runs for an arch other than the host's: C/R runs go into a QEMU guest through the guest
// module (zdtm/guest), which runs this same runner there and hands back results.json;
// --nocr runs may use qemu-user on the host instead, since they need no ptrace.
import fs from 'node:fs';
import path from 'node:path';
import type { ArchDescriptor } from '../../src/arch/index.js';
import { guestRunnerArgs, type RunnerOptions } from './options.js';
import { readResults, type RunReport } from './results.js';

export interface GuestModule {
  runCatalogInGuest(arch: ArchDescriptor, runnerArgs: string[], reportDir: string): Promise<void>;
}

const guestModuleUrl = new URL('../guest/index.js', import.meta.url);

async function loadGuestModule(): Promise<GuestModule> {
  let mod: Partial<GuestModule>;
  try {
    mod = (await import(guestModuleUrl.href)) as Partial<GuestModule>;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_MODULE_NOT_FOUND' && err.message.includes(guestModuleUrl.pathname)) {
      throw new Error(`zdtm: foreign arches need the guest module, but ${guestModuleUrl.pathname} is missing (is zdtm/guest built?)`);
    }
    throw new Error(`zdtm: the guest module ${guestModuleUrl.pathname} failed to load: ${err.message}`);
  }
  if (typeof mod.runCatalogInGuest !== 'function') {
    throw new Error(`zdtm: ${guestModuleUrl.pathname} does not export runCatalogInGuest()`);
  }
  return mod as GuestModule;
}

/** Boots a guest of `arch`, runs the catalog there, returns its report (written to reportDir). */
export async function runInGuest(arch: ArchDescriptor, o: RunnerOptions, reportDir: string, load = loadGuestModule): Promise<RunReport> {
  const guest = await load();
  fs.mkdirSync(reportDir, { recursive: true });
  await guest.runCatalogInGuest(arch, guestRunnerArgs(o), reportDir);
  const runs = readResults(reportDir);
  if (runs.length !== 1) throw new Error(`zdtm: the ${arch.name} guest reported ${runs.length} runs, expected 1`);
  // Work dirs were named by their guest paths; here they are the same dirs seen through the share.
  const run = runs[0]!;
  for (const r of run.results) if (r.workDir !== undefined) r.workDir = path.join(reportDir, path.basename(r.workDir));
  return run;
}

function onPath(bin: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    const p = path.join(dir || '.', bin);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The qemu-user prefix that runs `arch`'s static test binaries here. */
export function qemuUserLauncher(arch: ArchDescriptor): string[] {
  const bin = arch.qemu?.user;
  if (!bin) throw new Error(`zdtm: no qemu-user binary is known for ${arch.name} (descriptor.qemu.user)`);
  const found = onPath(bin);
  if (!found) throw new Error(`zdtm: ${bin} not found on PATH (apt-get install qemu-user-static)`);
  return [found];
}
