// pstree.img must describe one tree before anything is planned from it.
import { describe, expect, it } from 'vitest';
import { ImageError } from '../images/index.js';
import { checkTreeShape } from './task-images.js';

const task = (pid: number, ppid: number, threads = [pid]) => ({ pid, ppid, pgid: pid, sid: pid, threads });

describe('checkTreeShape', () => {
  it('accepts a root with children and grandchildren', () => {
    expect(() => checkTreeShape([task(10, 1), task(11, 10), task(12, 11, [12, 13])])).not.toThrow();
  });

  it.each([
    ['no task', [], /at least one task/],
    ['a pid twice', [task(10, 1), task(10, 10)], /each pid once/],
    ['a root that is its own parent', [task(10, 10)], /parent outside the tree/],
    ['a root whose parent is its child', [task(10, 11), task(11, 10)], /parent outside the tree/],
    ['a cycle below the root', [task(10, 1), task(11, 12), task(12, 11)], /cycle of parents/],
    ['a parent outside the tree', [task(10, 1), task(11, 99)], /parent 99 of task 11 in the tree/],
    ['a task that is also a thread', [task(10, 1, [10, 11]), task(11, 10)], /thread 11 of task 10 not also a task/],
    ['a thread id twice', [task(10, 1, [10, 20]), task(11, 10, [11, 20])], /each thread id once/],
    ['a pid that is not positive', [task(0, 1)], /a positive pid/],
  ])('refuses %s', (_what, pstree, message) => {
    const attempt = () => checkTreeShape(pstree);
    expect(attempt).toThrow(ImageError);
    expect(attempt).toThrow(message);
  });
});
