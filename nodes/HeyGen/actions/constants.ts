import type { ApiVersion } from '../transport';

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
