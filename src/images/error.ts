// The one error type of image decoding: names the file, the byte offset and what was
// expected there, in a single line ("pstree.img: offset 8: truncated entry (...)").
export class ImageError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly expected: string,
  ) {
    super(`${file}: offset ${offset}: ${expected}`);
    this.name = 'ImageError';
  }
}
