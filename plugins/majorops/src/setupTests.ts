import '@testing-library/jest-dom';

// Component tests render whole tables and dialogs; on a loaded 2-core machine
// some take several seconds. Timings are never asserted.
jest.setTimeout(20_000);
