import { inspect } from 'node:util';

/**
 * A secret value (Mercado Pago access token, webhook secret) that cannot leak by accident:
 * logging, string interpolation and JSON serialisation all print "[redacted]".
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  /** The last four characters, the only part responses may show. */
  hint(): string {
    return this.#value.slice(-4);
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return '[redacted]';
  }
}
