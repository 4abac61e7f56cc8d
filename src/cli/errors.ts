// Errors the command line reports itself, and the one-line form every error takes at the top.

/** The command line is wrong (unknown option, missing value, bad number...). */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    /** The command being parsed when the error was found, for the help hint. */
    readonly command?: string,
  ) {
    super(message);
  }
}

/** A criu option or command that criu-ts recognises but does not implement yet. */
export class NotSupportedError extends Error {
  override name = 'NotSupportedError';
  constructor(what: string) {
    super(`${what}: not supported yet`);
  }
}

/** Verbosity from which the top-level error also prints its stack. */
export const stackVerbosity = 4;

/**
 * What reaches stderr for an error that ends the program: one line
 * "Error (criu-ts): <message>", then the stack only when debugging.
 */
export function formatFatalError(err: unknown, verbosity: number): string {
  const message = err instanceof Error ? err.message : String(err);
  // Layers prefix their messages with "criu-ts: "; the line already says who speaks.
  const oneLine = message.replace(/^criu-ts: /, '').replace(/\s*\n\s*/g, ' ').trim() || 'unknown error';
  let out = `Error (criu-ts): ${oneLine}\n`;
  if (verbosity >= stackVerbosity && err instanceof Error && err.stack) {
    out += err.stack.split('\n').slice(1).join('\n') + '\n';
  }
  return out;
}
