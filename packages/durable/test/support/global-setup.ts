import type { TestProject } from "vitest/node";
import { startLocalPostgres } from "../../src/local-postgres.js";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const postgres = await startLocalPostgres();
  project.provide("databaseUrl", postgres.connectionString);
  return () => postgres.stop();
}
