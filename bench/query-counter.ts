/**
 * Preloaded into a measured service (`node --require`): counts the statements it sends to
 * PostgreSQL and keeps the total in the file QUERY_COUNT_FILE names, so a bench can report
 * statements per payment, a figure no other load on the machine can move. It patches whichever
 * copy of `pg` the service loads (a baseline tree has its own).
 */
import { writeFileSync } from 'node:fs';
import Module from 'node:module';

const file = process.env.QUERY_COUNT_FILE;
if (file) {
  let count = 0;
  const patched = new WeakSet<object>();
  const load = Module.prototype.require;
  Module.prototype.require = function (this: NodeJS.Module, id: string) {
    const loaded = load.call(this, id) as { Client?: { prototype: { query: unknown } } };
    const client = id === 'pg' ? loaded.Client : undefined;
    if (client && !patched.has(client)) {
      patched.add(client);
      const query = client.prototype.query as (...args: unknown[]) => unknown;
      client.prototype.query = function (this: unknown, ...args: unknown[]) {
        count++;
        return query.apply(this, args);
      };
    }
    return loaded;
  } as typeof load;
  setInterval(() => writeFileSync(file, String(count)), 100).unref();
}
