import type { startStandIn } from '../stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;

export interface AuditSummary {
	total: number;
	rows: AuditRow[];
}

interface AuditRow {
	file_type: string;
	folder_id: string;
	count: number;
	newest_ts: number;
	oldest_ts: number;
}

/**
 * The audit example's summary checked against the stand-in's library: the total, and per file type
 * and folder the count and the newest and oldest upload.
 */
export function expectAuditSummary(summary: AuditSummary, standIn: StandIn) {
	expect(summary.total).toBe(standIn.assets.length);
	for (const type of ['image', 'audio', 'video']) {
		for (const folder of ['', ...standIn.folders.map((f) => f.id)]) {
			const assets = standIn.assets.filter(
				(asset) => asset.file_type === type && asset.folder_id === folder,
			);
			const row = summary.rows.find(
				(r) => r.file_type === type && r.folder_id === (folder || '(root)'),
			);
			expect(row?.count ?? 0).toBe(assets.length);
			if (assets.length) {
				expect(row?.newest_ts).toBe(Math.max(...assets.map((asset) => asset.created_ts)));
				expect(row?.oldest_ts).toBe(Math.min(...assets.map((asset) => asset.created_ts)));
			}
		}
	}
}
