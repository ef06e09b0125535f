import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { DEFAULT_BASE_URL } from '../nodes/HeyGen/helpers';

export class HeyGenApi implements ICredentialType {
	name = 'heyGenApi';

	displayName = 'HeyGen API';

	icon: Icon = { light: 'file:heygen.svg', dark: 'file:heygen.dark.svg' };

	// eslint-disable-next-line n8n-nodes-base/cred-class-field-documentation-url-miscased -- the rule wants a camelCase slug of n8n's own docs; a community credential links HeyGen's docs by full URL.
	documentationUrl = 'https://docs.heygen.com/reference/authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'Your HeyGen API key, from the API section of the HeyGen app settings. It is sent as the x-api-key header.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			description:
				'Leave as it is for HeyGen. Change it only for a proxy or for an offline stand-in of the HeyGen API.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'x-api-key': '={{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			// Empty means HeyGen's, as in the node.
			baseURL: `={{$credentials.baseUrl || "${DEFAULT_BASE_URL}"}}`,
			url: '/v3/users/me',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'HeyGen rejected the API key. Copy it again from the API section of the HeyGen app settings.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'HeyGen refused this API key access to the API (403). Check the plan and the key.',
				},
			},
		],
	};
}
