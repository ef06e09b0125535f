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
	// Both cores of a 2-core machine: the suite is mostly waiting on loopback HTTP (about 55 s, not 100).
	maxWorkers: 2,
};
