import type { startStandIn } from '../stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;

export interface AuditSummary {
	total: number;
	rows: AuditRow[];
}

interface AuditRow {
	file_type: string;
	folder_id: string;
	/** The folder's name, `(root)` at the top. */
	folder: string;
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

/** Every row of a folder names it as the stand-in does. */
export function expectFolderNames(summary: AuditSummary, standIn: StandIn) {
	const inFolders = summary.rows.filter((row) => row.folder_id !== '(root)');
	expect(inFolders.length).toBeGreaterThan(0);
	for (const row of inFolders)
		expect(row.folder).toBe(standIn.folders.find((folder) => folder.id === row.folder_id)?.name);
}

/** Each folder the assets are in was asked for once through GET /v3/folders/{folder_id} (not per asset). */
export function expectNamedThroughV3Once(summary: AuditSummary, standIn: StandIn) {
	const inFolders = summary.rows.filter((row) => row.folder_id !== '(root)');
	for (const id of new Set(inFolders.map((row) => row.folder_id)))
		expect(standIn.requestsTo(`/v3/folders/${id}`)).toHaveLength(1);
}
