// Ports for tests, never fixed numbers: a port that is really closed right now (bound,
// then released), for "nobody answers" cases.
import { connect, createServer } from "node:net";

/** A loopback TCP port that nothing listens on: the kernel picked it free, then it was closed. */
export function closedPort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close((e) => (e ? reject(e) : resolve(port)));
    });
  });
}

/** `http://127.0.0.1:PORT` where PORT is closed (see closedPort). */
export async function closedUrl() {
  return `http://127.0.0.1:${await closedPort()}`;
}

/** Whether something accepts TCP connections on 127.0.0.1:`port` right now. */
export function isListening(port, host = "127.0.0.1") {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Whether `port` stops accepting connections within `ms`: a process that got SIGTERM may
 * still be closing its listener a moment after its parent has exited.
 */
export async function closesWithin(port, ms = 10_000, host = "127.0.0.1") {
  const end = Date.now() + ms;
  for (;;) {
    if (!(await isListening(port, host))) return true;
    if (Date.now() >= end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}
