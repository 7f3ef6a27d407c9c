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
    /** Post-mortems. */
    postmortems?: {
      /**
       * Hours after resolution by which a required (SEV1/SEV2 or repeat) post-mortem must be final (default 48).
       * A whole number, at least 1.
       * @visibility frontend
       */
      deadlineHours?: number;
      /** Days to look back for an earlier incident with the same failure mode (default 180). */
      repeatWindowDays?: number;
    };
    /**
     * How often the owner-snapshot job fills in owners of affected entities
     * that were recorded without one (ingested or demo incidents).
     */
    ownerSnapshot?: {
      /** Minutes between runs; default 5. */
      frequencyMinutes?: number;
    };
    /**
     * How long the entities of a system (its parts) or of a group (what it
     * owns), as the catalog listed them for a user, are reused by the
     * incident list and metrics, in seconds. Default 30; 0 asks the catalog
     * on every request.
     */
    scopeCacheSeconds?: number;
    /** Incident metrics (MTTD, MTTA, MTTR, severities, months) of entities and groups. */
    metrics?: {
      /**
       * Metrics over more incidents than this are read from monthly and
       * daily rollups (of the entity, or of the system's or group's set of
       * entities): counts and means stay exact, medians are
       * within 1 %. Up to this many, every incident is read and medians are
       * exact. Default 2000; raise it for exact medians at the cost of slower
       * pages for entities with many incidents.
       */
      exactUpTo?: number;
    };
    /** The Response Reputation Score. */
    reputation?: {
      /** The scheduled ledger update (task `majorops-reputation-ledger`, one instance at a time). */
      update?: {
        /** Minutes between incremental updates; default 1. */
        frequencyMinutes?: number;
      };
      /**
       * How ledger events are derived from incident facts (see -common's
       * `DerivationConfig`): e.g. `responseSpeedZeroAtMultiple`,
       * `reopenPenalty`, `repeatPenalty`, `noVerificationPenalty`,
       * `knowledgeWeights`, `mentoringMinMinutes` (minutes a shadow and a role
       * holder spend together before the holder is credited with mentoring;
       * default 15). Any key left out keeps its default; an invalid
       * value stops start-up with its path.
       */
      derivation?: { [key: string]: number | { [kind: string]: number } };
      /** How the ledger becomes a score. */
      score?: {
        /** Weight of each metric class; defaults High 3, Medium 2. */
        metricClassWeights?: { High?: number; Medium?: number };
        /** Weight of each severity; defaults SEV1 4, SEV2 3, SEV3 2, SEV4 1. */
        severityWeights?: { SEV1?: number; SEV2?: number; SEV3?: number; SEV4?: number };
        /** Weight of an event without an incident; default 1. */
        nonIncidentWeight?: number;
        /** An event's weight halves every this many days; default 90. */
        halfLifeDays?: number;
        /** Where a metric sits without evidence, 0-100; default 50. */
        neutralValue?: number;
        /** Shrinkage: weight of neutral evidence added to every metric; default 3. */
        priorStrength?: number;
        /** Cap: the most of a metric's weight one incident may carry, in (0, 1]; default 0.25. */
        incidentCapShare?: number;
        /** Share of a response-speed shortfall that counts in a flagged burnout week, 0-1; default 0.5. */
        burnoutPenaltyFactor?: number;
        /** Months in the trend; default 6. */
        trendMonths?: number;
        /** Heaviest events listed per metric; default 5. */
        topContributions?: number;
      };
      /**
       * Level thresholds: `requirements` per level 1-5 (minIncidents,
       * minSev1or2Incidents, minSev1or2CommandOrComms, minSev1or2Commander,
       * minScore, trainings), `acceptedIssuers` per training kind and
       * `eligibility` per severity and role. A section given replaces its default.
       */
      levels?: {
        requirements?: { [level: string]: { [key: string]: number | string[] } };
        acceptedIssuers?: { [kind: string]: string[] };
        eligibility?: { [severity: string]: { [role: string]: number } };
      };
      /** SRE Champion badge thresholds (see -common's `BadgeConfig`). */
      badge?: { [key: string]: number };
      /** Workload flags: maxPagesPerWeek, maxSev1EngagementHours, working hours and days. */
      workload?: { [key: string]: number | number[] };
      /**
       * Post-incident peer surveys and their aggregates. Checked at start-up;
       * an invalid value stops the backend with the key's path.
       */
      peerFeedback?: {
        /**
         * Fewest distinct colleagues who must have answered before an aggregate
         * is shown (k of the k-anonymity rule; default 3, a whole number of at least 2).
         */
        minRaters?: number;
        /** Incidents per fixed feedback window (default 10). */
        incidentsPerWindow?: number;
        /** A SEV2 lasting at least this many minutes from declaration to resolution gets a survey (default 60). */
        significantSev2Minutes?: number;
        /** A customer-reported SEV2 gets a survey (default true). */
        customerReportedSev2IsSignificant?: boolean;
      };
    };
    /** Best-fit assignment suggestions (seed 000, "The Assignment Engine"). */
    suggestions?: {
      /** Past incidents older than this many days are not read as expertise; default 365. */
      historyDays?: number;
      /** Most past incidents read per suggestion, the most recent first; default 2000. */
      maxHistoryIncidents?: number;
      /** Most open incidents read to know who is busy; default 500. */
      maxOpenIncidents?: number;
      /**
       * Seconds for which what the suggestions read from the catalog (the
       * members of the owning teams, the entities and the people read by
       * ref) is reused, per caller; default 60, 0 reads it every time.
       */
      membersCacheSeconds?: number;
      /** IANA time zone of engagement patterns (time of the week); default UTC. */
      timeZone?: string;
      /**
       * The engine's numbers over the defaults of -common's
       * `DEFAULT_ASSIGNMENT_CONFIG`: weights per component, topN,
       * expertsPerTopic, expertMinIncidents, excludeBusy, halfLifeDays, … Level
       * eligibility follows `majorops.reputation.levels`. Checked at start-up.
       */
      engine?: { [key: string]: number | boolean | { [key: string]: number } };
    };
  };
}
