import { createHash } from 'node:crypto';
import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	IHookFunctions,
	ILoadOptionsFunctions,
	IPollFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import { DEFAULT_BASE_URL } from '../helpers';

export const CREDENTIAL_TYPE = 'heyGenApi';

export type HeyGenContext =
	IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions | IHookFunctions | IWebhookFunctions;

/**
 * Something looked up once per node run and shared by every request of that run, held only as long
 * as the run's context object lives. A failure is not kept: the next call looks it up again.
 */
export async function oncePerRun<T>(
	map: WeakMap<object, Promise<T>>,
	context: HeyGenContext,
	load: () => Promise<T>,
): Promise<T> {
	let pending = map.get(context);
	if (!pending) {
		pending = load();
		map.set(context, pending);
		pending.then(undefined, () => map.delete(context));
	}
	return await pending;
}

/**
 * The credential, decrypted once per node run and handed to every request of that run: n8n would
 * otherwise read and decrypt it from its database twice per page.
 */
const credentialsByRun = new WeakMap<object, Promise<ICredentialDataDecryptedObject>>();

/**
 * The credential of this run and the Base URL it names (HeyGen's when the field is empty).
 */
export async function credentialFor(context: HeyGenContext) {
	const credentials = await oncePerRun(
		credentialsByRun,
		context,
		async () => await context.getCredentials(CREDENTIAL_TYPE),
	);
	const baseURL = String(credentials.baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, '');
	const reference = context.getNode().credentials?.[CREDENTIAL_TYPE];
	const credentialsDecrypted = {
		id: reference?.id ?? '',
		name: reference?.name ?? '',
		type: CREDENTIAL_TYPE,
		data: credentials,
	};
	return { baseURL, credentialsDecrypted };
}

/** Hex digits of the account fingerprint: enough to tell accounts apart, too few to be a key's stand-in. */
const ACCOUNT_FINGERPRINT_LENGTH = 16;

/**
 * Which HeyGen account the node's credential reaches: a fingerprint of its Base URL and API key
 * (saved in the trigger's position, so never the key itself).
 */
export async function accountFingerprint(context: HeyGenContext): Promise<string> {
	const { baseURL, credentialsDecrypted } = await credentialFor(context);
	return createHash('sha256')
		.update(`${baseURL}\n${String(credentialsDecrypted.data.apiKey ?? '')}`)
		.digest('hex')
		.slice(0, ACCOUNT_FINGERPRINT_LENGTH);
}
