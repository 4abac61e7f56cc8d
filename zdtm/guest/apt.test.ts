import { describe, expect, it } from 'vitest';
import { parsePackageStanzas } from './apt.js';

const show = `Package: zlib1g
Version: 1:1.2.13.dfsg-1
Architecture: ppc64el
Depends: libc6 (>= 2.17)
Filename: pool/main/z/zlib/zlib1g_1.2.13.dfsg-1_ppc64el.deb
Size: 91732
Description: compression library - runtime

Package: node-acorn
Version: 8.8.1+ds+~cs25.17.7-2
Architecture: all
Size: 127464
Description-md5: 0123
`;

describe('parsePackageStanzas', () => {
  it('gives each package the file name apt-get download writes (epoch escaped, arch "all" kept)', () => {
    expect(parsePackageStanzas(show)).toEqual([
      { name: 'zlib1g', version: '1:1.2.13.dfsg-1', file: 'zlib1g_1%3a1.2.13.dfsg-1_ppc64el.deb', size: 91732 },
      { name: 'node-acorn', version: '8.8.1+ds+~cs25.17.7-2', file: 'node-acorn_8.8.1+ds+~cs25.17.7-2_all.deb', size: 127464 },
    ]);
  });
});
