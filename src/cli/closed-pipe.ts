/**
 * Output into a closed pipe (`loop logs <id> | head`, `loop run … | head`) is dropped quietly. Why: Node ignores
 * SIGPIPE and reports the broken pipe as an 'error' event on the stream; unheard, that event is an uncaught
 * exception (a stack trace, and a killed run). Heard, the stream is destroyed and later writes to it are
 * no-ops, so the command (or the run) goes on to its end and exits with its own status.
 */
export function dropOutputToClosedPipes(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') return; // the reader went away: nothing more to show it
      throw error; // anything else is unexpected: main's crash handler reports it
    });
  }
}
