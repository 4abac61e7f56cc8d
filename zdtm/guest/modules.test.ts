import { describe, expect, it } from 'vitest';
import { moduleLoadOrder, moduleName } from './modules.js';

const dep = [
  'kernel/fs/9p/9p.ko: kernel/fs/netfs/netfs.ko kernel/net/9p/9pnet.ko kernel/fs/fscache/fscache.ko',
  'kernel/fs/netfs/netfs.ko: kernel/fs/fscache/fscache.ko',
  'kernel/fs/fscache/fscache.ko:',
  'kernel/net/9p/9pnet.ko:',
  'kernel/net/9p/9pnet_virtio.ko: kernel/net/9p/9pnet.ko',
  'kernel/net/packet/af_packet_diag.ko.xz: kernel/net/packet/af-packet.ko.xz',
  'kernel/net/packet/af-packet.ko.xz:',
].join('\n');

describe('moduleLoadOrder', () => {
  it('puts every module after its dependencies, each once', () => {
    const order = moduleLoadOrder(dep, '', ['9pnet_virtio', '9p']);
    expect(order).toEqual([
      'kernel/net/9p/9pnet.ko',
      'kernel/net/9p/9pnet_virtio.ko',
      'kernel/fs/fscache/fscache.ko',
      'kernel/fs/netfs/netfs.ko',
      'kernel/fs/9p/9p.ko',
    ]);
  });

  it('treats dashes and underscores alike and keeps compressed names', () => {
    expect(moduleLoadOrder(dep, '', ['af-packet-diag'])).toEqual(['kernel/net/packet/af-packet.ko.xz', 'kernel/net/packet/af_packet_diag.ko.xz']);
  });

  it('skips built-in modules and refuses unknown ones', () => {
    expect(moduleLoadOrder(dep, 'kernel/drivers/virtio/virtio_pci.ko\n', ['virtio_pci', '9pnet'])).toEqual(['kernel/net/9p/9pnet.ko']);
    expect(() => moduleLoadOrder(dep, '', ['virtio_ccw'])).toThrow(/virtio_ccw is neither built in nor in modules.dep/);
  });

  it('names modules as the kernel does', () => {
    expect(moduleName('kernel/net/packet/af-packet.ko.zst')).toBe('af_packet');
  });
});
