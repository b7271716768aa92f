/** The transaction-scoped lock every outcome insert takes before it draws its `seq`: outcomes commit in
 * the order of their `seq`, so a cursor that has read up to `seq` n never sees an n - 1 appear later. */
export const outcomeLock = (schema: string) => `pg_advisory_xact_lock(hashtext('${schema}.outcomes'))`;
