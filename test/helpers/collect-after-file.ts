/**
 * Each test file ends with a full garbage collection. A jest worker runs about twenty files, each in
 * its own module registry (n8n-core included); without this the worker ends holding some 300 MB of
 * garbage, and tearing that down takes longer than the 500 ms jest waits for a worker to exit
 * ("A worker process has failed to exit gracefully"). Collected, it ends under 100 MB.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

afterAll(() => collect());
