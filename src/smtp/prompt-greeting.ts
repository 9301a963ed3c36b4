// smtp-server waits a fixed 100 ms before its 220 greeting to catch clients that talk too
// early. That is a spam-trap habit for public MX hosts; for submission from known clients
// it caps each session at 10 messages a second when clients open a connection per message
// (as smtp-source and many applications do). Relais greets at once instead. The check that
// refuses over-limit clients stays. A test measures the greeting delay, so an upgrade of
// smtp-server that changes this internal method shows up at once.
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

interface ConnectionInternals {
  _server: { options: { maxClients?: number }; connections: Set<unknown> };
  _setListeners(cb: () => void): void;
  send(code: number, text: string, end?: boolean): void;
  connectionReady(): void;
  name: string;
}

let applied = false;

export function greetPromptly(): void {
  if (applied) return;
  applied = true;
  const proto = SMTPConnection.prototype as ConnectionInternals & { init(): void };
  if (typeof proto.init !== 'function' || typeof proto.connectionReady !== 'function') return; // library changed: keep its behaviour
  proto.init = function (this: ConnectionInternals) {
    this._setListeners(() => {
      if (this._server.options.maxClients && this._server.connections.size > this._server.options.maxClients) {
        return this.send(421, `${this.name} Too many connected clients, try again in a moment`, false);
      }
      setImmediate(() => this.connectionReady());
    });
  };
}
