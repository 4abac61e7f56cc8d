// The criu_opts table against the schema and against what runc 1.1's checkpoint and restore send.
import { describe, expect, it } from 'vitest';
import { messageType } from '../images/schema.js';
import { optionTable, readOptions } from './options.js';

describe('criu_opts table', () => {
  it('has a row for every field of criu_opts, and none more', () => {
    const fields = messageType('criu_opts').fieldsArray.map((f) => f.name).sort();
    expect(Object.keys(optionTable).sort()).toEqual(fields);
  });

  it('takes what runc 1.1 sends on checkpoint (its defaults: no lazy pages, no dedup)', () => {
    const s = readOptions({
      images_dir_fd: 7, log_level: 4, log_file: 'dump.log', root: '/run/c/rootfs', manage_cgroups: true,
      notify_scripts: true, pid: 4242, shell_job: false, leave_running: true, tcp_established: true,
      ext_unix_sk: false, file_locks: false, empty_ns: 0x40000000, orphan_pts_master: true, auto_dedup: false,
      lazy_pages: false, work_dir_fd: 8, freeze_cgroup: '/sys/fs/cgroup/c', config_file: '/nonexistent/runc.conf',
      ext_mnt: [{ key: '/dev/null', val: '/dev/null' }],
    }, 'dump');
    expect(s.refusals).toEqual([]);
    expect(s).toMatchObject({ imagesDirFd: 7, workDirFd: 8, logLevel: 4, logFile: 'dump.log', notify: true });
    expect(s.dump).toEqual({ pid: 4242, shellJob: false, leaveRunning: true, tcpEstablished: true, extUnixSk: false, fileLocks: false });
    expect(s.notes.join('\n')).toMatch(/manage_cgroups SOFT[^]*freeze_cgroup[^]*ext_mnt: accepted with no effect/);
  });

  it('refuses what runc 1.1 sends on restore that criu-ts cannot do yet', () => {
    const s = readOptions({
      images_dir_fd: 7, evasive_devices: true, log_level: 4, log_file: 'restore.log', rst_sibling: true,
      root: '/run/c/criu-root', manage_cgroups: true, notify_scripts: true, inherit_fd: [{ key: 'pipe:[1]', fd: 4 }], empty_ns: 0x40000000,
    }, 'restore');
    expect(s.refusals).toEqual([
      "rst_sibling (restoring the tree as the caller's child: it is criu-ts's, reparented when criu-ts exits)",
      'root (restoring into another root directory)',
      'empty_ns (0x40000000: namespaces are not created on restore yet)',
    ]);
    expect(s.restore.inheritFds).toEqual([{ key: 'pipe:[1]', fd: 4 }]);
  });

  it('takes external terminals for a dump and refuses other kinds', () => {
    const d = readOptions({ images_dir_fd: -1, external: ['tty[8800:0019]', 'mnt[/x]:y'] }, 'dump');
    expect(d.dump.external).toEqual(['tty[8800:19]']);
    expect(d.refusals).toEqual(['external (mnt[/x]:y: only tty[RDEV:DEV] is supported yet)']);
    expect(readOptions({ images_dir_fd: -1, external: ['tty[1:2]'] }, 'restore').refusals).toEqual([]);
  });

  it('takes leave_stopped for a dump and for a restore', () => {
    const d = readOptions({ images_dir_fd: -1, leave_running: true, leave_stopped: true }, 'dump');
    expect(d.refusals).toEqual([]);
    expect(d.dump).toMatchObject({ leaveRunning: true, leaveStopped: true });
    expect(readOptions({ images_dir_fd: -1, leave_stopped: true }, 'restore').restore.leaveStopped).toBe(true);
  });

  it('leaves fields of the other operation alone, and refuses non-default values only', () => {
    expect(readOptions({ images_dir_fd: -1, rst_sibling: true, leave_running: true }, 'dump').refusals).toEqual([]);
    expect(readOptions({ images_dir_fd: -1, ghost_limit: 0x100000, cpu_cap: 0xffffffff, network_lock: 'IPTABLES' }, 'dump').refusals).toEqual([]);
    const small = readOptions({ images_dir_fd: -1, ghost_limit: 1, skip_file_rwx_check: true }, 'dump');
    expect(small.refusals).toEqual([]);
    expect(small.dump.ghostLimit).toBe(1);
    expect(readOptions({ images_dir_fd: -1, manage_cgroups_mode: 'STRICT' }, 'restore').refusals).toEqual(['manage_cgroups_mode (mode STRICT: cgroups are not dumped or restored yet)']);
    expect(readOptions({ images_dir_fd: -1, log_file: 'a/b.log' }, 'dump').refusals).toEqual(['log_file (a path: only a name in the work directory is allowed)']);
    expect(readOptions({ images_dir_fd: -1, root: '/' }, 'restore').refusals).toEqual([]);
  });
});
