// Regular files, directories and character devices such as /dev/null opened by path:
// dumped as REG with their path, open flags and offset.
import { regFileBody } from './file-table.js';
import type { FdDumper } from './files.js';

export const regFile: FdDumper = {
  kind: 'REG',
  matches: (fd) => fd.link.startsWith('/'),
  dump(fd, files) {
    if (fd.link.endsWith(' (deleted)')) throw fd.unsupported('an unlinked file');
    const st = fd.stat();
    if (st.isSocket()) throw fd.unsupported('a socket file');
    return files.shared(fd.fileKey, (id) => files.add('REG', 'reg', id, regFileBody(fd.link, fd.flags, fd.info.pos, st)));
  },
};
