export interface Config {
  /** Configuration of the MajorOps plugins. */
  majorops?: {
    /**
     * Overrides of the severity matrix, per severity. Durations in minutes.
     * @visibility frontend
     */
    severityMatrix?: {
      [severity in 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4']?: {
        /** @visibility frontend */
        name?: string;
        /** @visibility frontend */
        criteria?: string;
        /** @visibility frontend */
        responseTimeMinutes?: number;
        /** @visibility frontend */
        updateCadenceMinutes?: number;
        /** @visibility frontend */
        escalation?: string;
        /** @visibility frontend */
        escalationWithinMinutes?: number;
      };
    };
    /**
     * Demo incidents for a local portal. Loaded once, only into an empty
     * database, and only when enabled. Never enable this in production.
     */
    demoData?: {
      /** Load the demo data at start-up when the database holds no incident. */
      enabled?: boolean;
      /** Path to the demo data YAML, relative to the backend's working directory. */
      path?: string;
    };
    /** Runbooks. */
    runbooks?: {
      /**
       * Days without a passed drill after which a runbook is stale (default 90: tested quarterly).
       * A whole number, at least 1; anything else stops the backend at start-up.
       * @visibility frontend
       */
      staleAfterDays?: number;
    };
    /**
     * How often the owner-snapshot job fills in owners of affected entities
     * that were recorded without one (ingested or demo incidents).
     */
    ownerSnapshot?: {
      /** Minutes between runs; default 5. */
      frequencyMinutes?: number;
    };
  };
}
