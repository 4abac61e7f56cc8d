// Where a hung test was stuck: in a guest, its kernel's view of every task (sysrq t: each
// task's state and kernel stack) goes to the console, whose log the host keeps, before the
// runner kills the test and goes on with the next one.
import fs from 'node:fs';

/** Asks the kernel to print every task to the console; false when it cannot (no sysrq). */
export function dumpTasksToConsole(write: (file: string, text: string) => void = fs.writeFileSync): boolean {
  try {
    // The task list is printed at KERN_INFO, which a "quiet" boot keeps off the console.
    write('/proc/sys/kernel/printk', '7');
    write('/proc/sysrq-trigger', 't');
    return true;
  } catch {
    return false;
  }
}
