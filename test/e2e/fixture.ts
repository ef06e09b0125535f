/**
 * The one set-up every e2e and queue suite shares (scripts/lib/heygen-n8n.js, which the benchmarks
 * use too): a stand-in HeyGen, a fresh n8n with this package, and a HeyGen API credential.
 */
import type { startStandIn } from '../stand-in/heygen-stand-in';
import type { createN8n } from '../../scripts/lib/n8n';

export {
	SET_UP_TIMEOUT_MS,
	heyGenCredential,
	startHeyGenN8n,
	withHeyGenN8n,
} from '../../scripts/lib/heygen-n8n';
export type StandIn = Awaited<ReturnType<typeof startStandIn>>;
export type N8n = Awaited<ReturnType<typeof createN8n>>;
export interface HeyGenN8n {
	standIn: StandIn;
	n8n: N8n;
	close(): Promise<void>;
}
