/** Queue-mode tests: the built package in n8n main + workers with Redis and PostgreSQL (scripts/lib/queue.js). */
/** @type {import('jest').Config} */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/queue'],
	testMatch: ['**/*.queue.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
	testTimeout: 180_000,
	maxWorkers: 1,
};
