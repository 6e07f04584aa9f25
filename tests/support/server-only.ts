// Stands in for the 'server-only' guard package in Node tests (it throws outside React Server bundles).
export {};
