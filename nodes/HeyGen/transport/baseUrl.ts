/** HeyGen's API, used when the credential's Base URL is empty (by the node and the credential test). */
export const DEFAULT_BASE_URL = 'https://api.heygen.com';
