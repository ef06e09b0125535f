import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { apiVersionProperties, assetFiltersProperty } from './actions/common.descriptions';
import { LATEST_NODE_VERSION } from './actions/constants';
import { pollParameters, readListingOptions } from './actions/parameters';
import { methods } from './methods';
import { listAssets, MAX_PAGE_SIZE } from './transport';

/** Where the trigger is: the newest created_ts it has seen and the ids seen at that second. */
export interface TriggerState {
	lastTs?: number;
	idsAtLastTs?: string[];
}

const tsOf = (asset: IDataObject) =>
	typeof asset.created_ts === 'number' ? asset.created_ts : Number(asset.created_ts) || 0;

export class HeyGenTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HeyGen Trigger',
		name: 'heyGenTrigger',
		icon: { light: 'file:heygen.svg', dark: 'file:heygen.dark.svg' },
		group: ['trigger'],
		version: [1, 2],
		defaultVersion: LATEST_NODE_VERSION,
		subtitle: 'New asset',
		description: 'Starts the workflow when a new image, audio or video asset appears in HeyGen',
		defaults: { name: 'HeyGen Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'heyGenApi', required: true }],
		properties: [
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				options: [
					{
						name: 'New Asset',
						value: 'newAsset',
						description: 'An asset was uploaded or created since the last check',
					},
				],
				default: 'newAsset',
			},
			...apiVersionProperties,
			assetFiltersProperty,
		],
	};

	methods = methods;

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const options = readListingOptions(pollParameters(this));

		if (this.getMode() === 'manual') {
			// A test run shows the shape: the newest asset, whatever was seen before.
			const [newest] = await listAssets.call(this, options, { limit: 1 });
			return newest ? [[{ json: newest }]] : null;
		}

		const state = this.getWorkflowStaticData('node') as TriggerState;
		if (state.lastTs === undefined) {
			// First activation: remember where the library is now, emit nothing (no flood of old assets).
			const firstPage = await listAssets.call(this, options, { limit: MAX_PAGE_SIZE });
			const lastTs = firstPage.reduce((max, asset) => Math.max(max, tsOf(asset)), 0);
			state.lastTs = lastTs;
			state.idsAtLastTs = firstPage
				.filter((asset) => tsOf(asset) === lastTs)
				.map((asset) => String(asset.id));
			return null;
		}

		const lastTs = state.lastTs;
		const seen = new Set(state.idsAtLastTs ?? []);
		const isNew = (asset: IDataObject) =>
			tsOf(asset) > lastTs || (tsOf(asset) === lastTs && !seen.has(String(asset.id)));
		// HeyGen lists newest first: read pages until one reaches back past the last asset seen.
		const assets = await listAssets.call(this, options, {
			keepGoing: (_kept, page) => page.length > 0 && page.every((asset) => tsOf(asset) >= lastTs),
		});
		const fresh = assets.filter(isNew);
		if (fresh.length === 0) return null;
		const newestTs = fresh.reduce((max, asset) => Math.max(max, tsOf(asset)), lastTs);
		const idsAtNewest = fresh
			.filter((asset) => tsOf(asset) === newestTs)
			.map((asset) => String(asset.id));
		state.idsAtLastTs = newestTs === lastTs ? [...seen, ...idsAtNewest] : idsAtNewest;
		state.lastTs = newestTs;
		// Oldest first, so that downstream nodes see them in the order they appeared.
		fresh.sort((a, b) => tsOf(a) - tsOf(b));
		return [fresh.map((asset) => ({ json: asset }))];
	}
}
