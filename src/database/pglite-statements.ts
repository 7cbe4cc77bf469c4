import type { PGlite, QueryOptions, Results } from '@electric-sql/pglite';

type PgliteModule = typeof import('@electric-sql/pglite');
type Serializer = (value: unknown) => string;

/** Beyond this many distinct texts, a query runs unnamed, as PGlite's own `query` runs it. */
const MAX_NAMED = 1000;

/**
 * PGlite's `query` makes six calls into its wasm per statement (parse, describe, bind, describe,
 * execute, sync), each text parsed and planned again. Here each distinct text is parsed once per
 * instance as a named statement (its parameter types read then), and each run is one call: bind,
 * describe, execute, sync. Rows, errors and locking are PGlite's own: the messages go through its
 * `parseResults`, parameters through its serializers, and a run takes the locks `query` takes
 * (inside a transaction, the query lock only). Not PGlite's `blob` option (COPY through
 * /dev/blob): nothing here uses it. On PGlite 0.5.16, bench:pglite-query: 395–556 → 229–340 µs of
 * CPU per statement.
 */
export class PgliteStatements {
  private readonly named = new Map<string, { name: string; types: number[] }>();

  constructor(
    private readonly pglite: PGlite,
    private readonly module: Pick<PgliteModule, 'parse' | 'protocol'>,
    private readonly maxNamed = MAX_NAMED,
  ) {}

  /** `query` outside a transaction. */
  query<T>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    return this.pglite._runExclusiveTransaction(() => this.inTransaction<T>(text, params, options));
  }

  /** `query` on the transaction PGlite is running now. */
  inTransaction<T>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    return this.pglite._runExclusiveQuery(() => this.run<T>(text, params ?? [], options));
  }

  private async run<T>(
    text: string,
    params: unknown[],
    options: QueryOptions | undefined,
  ): Promise<Results<T>> {
    const { serialize } = this.module.protocol;
    const syncToFs = !this.pglite.isInTransaction();
    try {
      const statement = await this.prepare(text);
      const values = params.map((value, i) => {
        if (value === null || value === undefined) return null;
        const type = statement.types[i];
        const serializer = type === undefined ? undefined : this.serializer(type, options);
        // eslint-disable-next-line @typescript-eslint/no-base-to-string -- as PGlite's `query` does
        return serializer ? serializer(value) : String(value);
      });
      const { messages } = await this.pglite.execProtocol(
        concat([
          serialize.bind({ statement: statement.name, values }),
          serialize.describe({ type: 'P' }),
          serialize.execute({}),
          serialize.sync(),
        ]),
        { syncToFs },
      );
      return this.module.parse.parseResults(
        messages,
        this.pglite.parsers,
        options,
      )[0] as Results<T>;
    } catch (error) {
      // As PGlite's own `query` does, so a logged error says which statement failed.
      if (error instanceof Error && 'code' in error) {
        Object.assign(error, { query: text, params, queryOptions: options });
      }
      throw error;
    }
  }

  private serializer(type: number, options?: QueryOptions): Serializer | undefined {
    return (options?.serializers?.[type] ?? this.pglite.serializers[type]) as
      Serializer | undefined;
  }

  private async prepare(text: string): Promise<{ name: string; types: number[] }> {
    const known = this.named.get(text);
    if (known) return known;
    const { serialize } = this.module.protocol;
    const named = this.named.size < this.maxNamed;
    const name = named ? `pglite_${this.named.size}` : '';
    const { messages } = await this.pglite.execProtocol(
      concat([
        serialize.parse({ name, text, types: [] }),
        serialize.describe({ type: 'S', name }),
        serialize.sync(),
      ]),
      { syncToFs: false },
    );
    const statement = { name, types: this.module.parse.parseDescribeStatementResults(messages) };
    if (named) this.named.set(text, statement);
    return statement;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
