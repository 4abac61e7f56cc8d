// Images hold a process's whole memory (keys, passwords): the directory is made 0700 and every
// file we write in it (images, pages, the log) 0600, whatever the umask and whatever mode a file
// of the same name had before. A directory that exists already is left as it is, with a warning
// when group or other may read it.
import fs from 'node:fs';
import { O_CLOEXEC, O_CREAT, O_TRUNC, O_WRONLY } from '../sys/fcntl.js';

export const IMAGES_DIR_MODE = 0o700;
export const IMAGE_FILE_MODE = 0o600;

/**
 * Opens file for writing from scratch, readable by its owner only. A symlink at its place is
 * refused (O_NOFOLLOW): someone who could plant one there is not to choose where memory goes.
 */
export function openPrivate(file: string): number {
  const fd = fs.openSync(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | fs.constants.O_NOFOLLOW, IMAGE_FILE_MODE);
  try {
    fs.fchmodSync(fd, IMAGE_FILE_MODE);
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
  return fd;
}

/** Writes buf to file (see openPrivate). */
export function writePrivate(file: string, buf: Buffer | string): void {
  const fd = openPrivate(file);
  try {
    fs.writeFileSync(fd, buf);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Makes the images directory (0700) when it is missing (its parent must exist). Returns a
 * warning when an existing one can be read by group or other, undefined otherwise.
 */
export function prepareImagesDir(dir: string): string | undefined {
  try {
    fs.mkdirSync(dir, IMAGES_DIR_MODE);
    return undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`criu-ts: cannot create images directory ${dir}: ${(e as Error).message}`);
  }
  const st = fs.statSync(dir);
  if (!st.isDirectory()) throw new Error(`criu-ts: images directory ${dir} is not a directory`);
  const mode = st.mode & 0o777;
  if (mode & 0o044) {
    return `images directory ${dir} is readable by ${mode & 0o040 ? 'group' : ''}${(mode & 0o044) === 0o044 ? ' and ' : ''}${mode & 0o004 ? 'other' : ''} (mode 0${mode.toString(8)}): the images hold the tree's memory; chmod 700 it`;
  }
  return undefined;
}
