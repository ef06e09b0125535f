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
	// More workers than a 2-core machine's cores: the suite is mostly waiting (loopback latency,
	// backoffs, Retry-After seconds, idle timeouts), so four files wait at once, not two (measured on
	// 2 cores: about 60 s with 4, 95 s with 2).
	maxWorkers: 4,
};
