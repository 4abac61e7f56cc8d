// Which kernel module files to load, and in which order, for a set of wanted modules,
// from the modules.dep and modules.builtin that depmod wrote on the host.

/** "kernel/fs/9p/9p.ko.xz" -> "9p"; dashes and underscores are the same to the kernel. */
export function moduleName(file: string): string {
  return file.split('/').pop()!.replace(/\.ko(\.\w+)?$/, '').replace(/-/g, '_');
}

/**
 * Module files (relative to /lib/modules/<version>/) in an order where every module comes
 * after its dependencies. Built-in modules are skipped; an unknown one is an error.
 */
export function moduleLoadOrder(modulesDep: string, modulesBuiltin: string, wanted: string[]): string[] {
  const deps = new Map<string, { file: string; needs: string[] }>();
  for (const line of modulesDep.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const file = line.slice(0, colon).trim();
    deps.set(moduleName(file), { file, needs: line.slice(colon + 1).trim().split(/\s+/).filter(Boolean).map(moduleName) });
  }
  const builtin = new Set(modulesBuiltin.split('\n').filter(Boolean).map(moduleName));
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const m = deps.get(name);
    if (!m) {
      if (builtin.has(name)) return;
      throw new Error(`kernel module ${name} is neither built in nor in modules.dep`);
    }
    m.needs.forEach(visit);
    order.push(m.file);
  };
  wanted.map((w) => w.replace(/-/g, '_')).forEach(visit);
  return order;
}
