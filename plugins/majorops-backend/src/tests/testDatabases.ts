import { TestDatabases } from '@backstage/backend-test-utils';

/** How long closing the pools and dropping a test file's databases may take. */
const SHUTDOWN_TIMEOUT_MS = 5 * 60_000;

/**
 * `TestDatabases.create()` with room to clean up. Backstage drops every
 * database a test file created in an `afterAll` hook limited to 60 s; on a
 * loaded machine dropping a few dozen PostgreSQL databases takes longer and
 * fails the file although every test passed. Hooks run in the order they
 * were registered, so this one shuts the databases down first, with a longer
 * limit, and Backstage's own hook then finds nothing left to do.
 */
export function createTestDatabases(): TestDatabases {
  let databases: TestDatabases | undefined;
  afterAll(async () => {
    // `shutdown` is what Backstage's own hook calls; it is not part of the public type.
    await (databases as unknown as { shutdown(): Promise<void> } | undefined)?.shutdown();
  }, SHUTDOWN_TIMEOUT_MS);
  databases = TestDatabases.create();
  return databases;
}
