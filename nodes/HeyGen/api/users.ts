import type { IDataObject } from 'n8n-workflow';

import { type HeyGenContext, oncePerRun } from '../execution';
import { heyGenContractError } from '../helpers';
import { heyGenApiRequest } from '../transport';

/** The v3 username from /v3/users/me, asked once per node run, not once per item or page. */
const usernameByRun = new WeakMap<object, Promise<string>>();

/** The owner whose assets v3 lists: the one given, or the API key's own user. */
export async function ownerUsername(
	this: HeyGenContext,
	given: string | undefined,
	itemIndex?: number,
) {
	const trimmed = given?.trim();
	if (trimmed) return trimmed;
	return await oncePerRun(usernameByRun, this, async () => {
		const body = await heyGenApiRequest.call(this, { endpoint: '/v3/users/me', itemIndex });
		const username = (body.data as IDataObject | undefined)?.username;
		if (typeof username !== 'string' || username === '') {
			throw heyGenContractError(
				this.getNode(),
				'HeyGen did not say whose assets to list',
				'GET /v3/users/me answered without data.username. Set Owner Username on the node.',
				200,
				itemIndex,
			);
		}
		return username;
	});
}
