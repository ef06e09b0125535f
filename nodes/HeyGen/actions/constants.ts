import type { ApiVersion } from '../api';

/** The API Version a node of each version lists with when the parameter is not set. */
export const DEFAULT_API_VERSION: Readonly<Record<1 | 2, ApiVersion>> = { 1: 'v1', 2: 'v3' };

/** The newest node version, which the editor gives a new node. */
export const LATEST_NODE_VERSION = 2;

/** Items a list returns when Return All is off and Limit is not set. */
export const DEFAULT_LIMIT = 50;

/** The binary field a file is read from or written to, unless the user names another. */
export const DEFAULT_BINARY_PROPERTY = 'data';

/** The longest Look-Back Window the trigger takes: a week. */
export const MAX_LOOK_BACK_MINUTES = 7 * 24 * 60;

/**
 * The trigger's description, and with it the nodes panel's one "HeyGen" entry: n8n's editor joins a
 * trigger named like a node plus "Trigger" into that node's entry and shows the trigger's
 * description there in place of the node's (generateMergedNodesAndActions), so this text speaks for
 * the whole package — the trigger's own event keeps its own description among the entry's actions.
 */
export const NODES_PANEL_DESCRIPTION =
	'Get, download, upload and delete the image, audio and video assets of a HeyGen account, name its folders, and start workflows when a new asset appears';
