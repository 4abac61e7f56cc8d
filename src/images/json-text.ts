// JSON text with 64-bit integers: crit prints u64 values as bare numbers, which
// JSON.parse would round. Integer literals too long to be exact are quoted before parsing
// so that they reach BigInt as strings, digit for digit.

const UNSAFE_DIGITS = 16; // 2^53 has 16 digits; shorter literals are always exact

export function parseJsonExact(text: string): any {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      // copy a string literal verbatim, honouring escapes
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400))!;
      const lit = m[0];
      const integer = m[1] === undefined && m[2] === undefined;
      out += integer && lit.replace('-', '').length >= UNSAFE_DIGITS && !Number.isSafeInteger(Number(lit)) ? `"${lit}"` : lit;
      i += lit.length;
    } else {
      out += c;
      i++;
    }
  }
  return JSON.parse(out);
}
