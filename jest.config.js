/** @type {import('jest').Config} */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/', '/test/queue/'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
	testTimeout: 30_000,
	setupFilesAfterEnv: ['<rootDir>/test/helpers/collect-after-file.ts'],
	// Both cores of a 2-core machine (about 95 s). `npm run test:unit` runs four workers (about 60 s:
	// the suite mostly waits on timers), but four compiling a cold cache at once on 2 cores once held a
	// slow transfer's progress past its 1.5 s idle watch: `npm test` and CI keep two.
	maxWorkers: 2,
};
