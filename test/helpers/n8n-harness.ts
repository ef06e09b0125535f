/**
 * Runs the node the way n8n runs it, with n8n-core's own execution contexts and request helpers
 * (ExecuteContext, LoadOptionsContext, RoutingNode for the credential test), over real HTTP.
 * The one piece n8n's server normally supplies, the credentials helper, is a small class here
 * that applies a credential's declarative `authenticate` definition as n8n's own does
 * (every `properties.<part>.<key>` expression resolved against `$credentials`).
 */
import { Container } from '@n8n/di';
import {
	ExecuteContext,
	HookContext,
	LoadOptionsContext,
	PollContext,
	RoutingNode,
	WebhookContext,
} from 'n8n-core';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import {
	createEmptyRunExecutionData,
	type ICredentialDataDecryptedObject,
	ICredentialsHelper,
	type ICredentialType,
	type IDataObject,
	type IExecuteData,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeListSearchResult,
	type INodeParameters,
	type INodeType,
	type INodeTypes,
	type IVersionedNodeType,
	type IWebhookData,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
	NodeHelpers,
	Workflow,
} from 'n8n-workflow';

import { HeyGenApi } from '../../credentials/HeyGenApi.credentials';
import { HeyGen } from '../../nodes/HeyGen/HeyGen.node';
import { HeyGenTrigger } from '../../nodes/HeyGen/HeyGenTrigger.node';
import { HeyGenWebhookTrigger } from '../../nodes/HeyGen/HeyGenWebhookTrigger.node';

// The first ExecuteContext of a test file makes n8n-core's SSH client manager, whose 60-second
// clean-up timer (unref'd, so it never holds the process) holds that file's whole module registry:
// about 12 MB a file, and a jest worker grown to a few hundred MB takes longer than jest's 500 ms
// to exit ("A worker process has failed to exit gracefully"). Shut it down with the file.
afterAll(() => Container.get(SSHClientsManager).onShutdown());

const NODE_TYPE = 'n8n-nodes-heygen.heyGen';

class TestCredentialsHelper extends ICredentialsHelper {
	/** Every request the helper authenticated, as it left for the network (for assertions). */
	readonly authenticated: IHttpRequestOptions[] = [];

	constructor(
		private readonly types: Record<string, ICredentialType>,
		private readonly data: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	/** Puts other data behind a credential type, as a user editing or switching the credential does. */
	setData(type: string, data: ICredentialDataDecryptedObject) {
		this.data[type] = { ...data };
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const type = this.types[typeName];
		const authenticate = type?.authenticate;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (authenticate && typeof authenticate === 'object' && authenticate.type === 'generic') {
			const resolve = (value: unknown) =>
				typeof value === 'string' && value.startsWith('=')
					? String(
							workflow.expression.getSimpleParameterValue(
								node,
								value,
								'internal',
								{ $credentials: credentials },
								undefined,
								'',
							) ?? '',
						)
					: value;
			const target = requestOptions as unknown as Record<string, IDataObject | undefined>;
			for (const [part, entries] of Object.entries(authenticate.properties)) {
				target[part] ??= {};
				for (const [key, value] of Object.entries(entries as IDataObject)) {
					(target[part] as IDataObject)[String(resolve(key))] = resolve(value) as string;
				}
			}
		}
		this.authenticated.push(requestOptions);
		return requestOptions;
	}

	async preAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(): Promise<never> {
		throw new Error('not used by these tests');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: unknown,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.data[type];
		if (!data) throw new Error(`No test credentials of type ${type}`);
		return { ...data };
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties() {
		return [];
	}

	getOAuth2Options() {
		return undefined;
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}
}

function nodeTypesOf(types: Record<string, INodeType>): INodeTypes {
	return {
		getByName: (name: string) => types[name] as INodeType | IVersionedNodeType,
		getByNameAndVersion: (name: string) => types[name],
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
}

export interface HeyGenCredentials {
	apiKey: string;
	baseUrl: string;
}

export interface RunOptions {
	credentials: HeyGenCredentials;
	parameters: INodeParameters;
	/** Input items (default: one empty item). */
	input?: INodeExecutionData[];
	continueOnFail?: boolean;
	abortSignal?: AbortSignal;
	/** The node's typeVersion (default 1, as the older tests were written for). */
	nodeVersion?: number;
	/** Run in this execution (default: one of its own), as a node in a loop runs again in the same one. */
	executionId?: string;
	/** The node's run in that execution (default 0): Loop Over Items runs it once per batch. */
	runIndex?: number;
}

let executions = 0;
let workflows = 0;

function setUp(
	credentials: HeyGenCredentials,
	parameters: INodeParameters,
	continueOnFail = false,
	nodeType: INodeType = new HeyGen(),
	typeName = NODE_TYPE,
	staticData?: IDataObject,
	nodeVersion = 1,
) {
	const node: INode = {
		id: 'c0ffee00-0000-4000-8000-000000000001',
		name: 'HeyGen',
		type: typeName,
		typeVersion: nodeVersion,
		position: [0, 0],
		parameters: {},
		credentials: { heyGenApi: { id: 'cred-1', name: 'HeyGen account' } },
		...(continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
	// Fill in defaults the way the editor and the workflow loader do.
	node.parameters =
		NodeHelpers.getNodeParameters(
			nodeType.description.properties,
			parameters,
			true,
			false,
			node,
			nodeType.description,
		) ?? {};
	const workflow = new Workflow({
		// Each its own workflow, as in n8n.
		id: `wf-test-${++workflows}`,
		name: 'HeyGen test',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: nodeTypesOf({ [typeName]: nodeType }),
		staticData,
	});
	const credentialsHelper = new TestCredentialsHelper(
		{ heyGenApi: new HeyGenApi() },
		{ heyGenApi: { ...credentials } },
	);
	const additionalData = {
		credentialsHelper,
		// Each run its own execution, as in n8n.
		executionId: `test-execution-${++executions}`,
		restApiUrl: 'http://127.0.0.1:1/rest',
		webhookBaseUrl: 'http://127.0.0.1:1/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:1/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:1/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1:1/form-waiting',
		instanceBaseUrl: 'http://127.0.0.1:1',
		variables: {},
		userId: 'test-user',
		currentNodeParameters: undefined,
		executeWorkflow: async () => {
			throw new Error('not used');
		},
		logAiEvent: () => {},
	} as unknown as IWorkflowExecuteAdditionalData;
	return { nodeType, node, workflow, additionalData, credentialsHelper };
}

/** Executes the HeyGen node once, with n8n-core's ExecuteContext. */
export async function runHeyGenNode(options: RunOptions) {
	const { node, workflow, additionalData, credentialsHelper } = setUp(
		options.credentials,
		options.parameters,
		options.continueOnFail,
		new HeyGen(),
		NODE_TYPE,
		undefined,
		options.nodeVersion,
	);
	const nodeType = workflow.nodeTypes.getByNameAndVersion(NODE_TYPE) as HeyGen;
	if (options.executionId) additionalData.executionId = options.executionId;
	const input = options.input ?? [{ json: {} }];
	const executeData: IExecuteData = { node, data: { main: [input] }, source: null };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'manual',
		createEmptyRunExecutionData(),
		options.runIndex ?? 0,
		input,
		{ main: [input] },
		executeData,
		[],
		options.abortSignal,
	);
	const output = await nodeType.execute.call(context);
	return {
		output: output as INodeExecutionData[][],
		authenticated: credentialsHelper.authenticated,
		node,
		/** The execution hints the run left, as the editor shows them above the output. */
		hints: context.hints,
	};
}

/** Calls one of the node's list searches (the "From list" mode of a picker). */
async function listSearch(
	method: 'searchFolders' | 'searchAssets' | 'searchVideos',
	path: string,
	credentials: HeyGenCredentials,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const { node, workflow, additionalData } = setUp(credentials, {
		resource: 'asset',
		operation: 'getAll',
	});
	const nodeType = workflow.nodeTypes.getByNameAndVersion(NODE_TYPE) as HeyGen;
	const context = new LoadOptionsContext(workflow, node, additionalData, path);
	return await nodeType.methods.listSearch[method].call(context, filter, paginationToken);
}

/** The Folder picker's list. */
export async function searchFolders(
	credentials: HeyGenCredentials,
	filter?: string,
	paginationToken?: string,
) {
	return await listSearch(
		'searchFolders',
		'filters.folderId',
		credentials,
		filter,
		paginationToken,
	);
}

/** The Asset picker's list. */
export async function searchAssets(
	credentials: HeyGenCredentials,
	filter?: string,
	paginationToken?: string,
) {
	return await listSearch('searchAssets', 'assetId', credentials, filter, paginationToken);
}

/** The Video picker's list. */
export async function searchVideos(
	credentials: HeyGenCredentials,
	filter?: string,
	paginationToken?: string,
) {
	return await listSearch('searchVideos', 'videoId', credentials, filter, paginationToken);
}

/**
 * Runs the credential's test request the way n8n's credential tester does: a declarative node
 * whose only request is `test.request`, run by n8n-core's RoutingNode, then the test's rules.
 */
export async function testCredential(
	credentials: HeyGenCredentials,
): Promise<{ status: 'OK' | 'Error'; message: string }> {
	const credentialType = new HeyGenApi();
	const testNodeType: INodeType = {
		description: {
			displayName: 'Temp',
			name: 'temp',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: { name: 'Temp' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: 'heyGenApi', required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: credentialType.test.request },
					default: '',
				},
			],
		},
	} as unknown as INodeType;
	const node: INode = {
		id: 'temp',
		name: 'Temp',
		type: 'temp',
		typeVersion: 1,
		position: [0, 0],
		parameters: { temp: '' },
		credentials: { heyGenApi: { id: 'cred-1', name: 'HeyGen account' } },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: nodeTypesOf({ temp: testNodeType }),
	});
	const { additionalData } = setUp(credentials, {});
	const input = [{ json: {} }];
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		createEmptyRunExecutionData(),
		0,
		[],
		{ main: [input] },
		{ node, data: {}, source: null },
		[],
	);
	const routingNode = new RoutingNode(context, testNodeType, {
		id: 'cred-1',
		name: 'HeyGen account',
		type: 'heyGenApi',
		data: { ...credentials },
	});
	try {
		await routingNode.runNode();
	} catch (error) {
		const cause = (
			error as { cause?: { response?: { status: number; statusText?: string }; code?: string } }
		).cause;
		if (cause?.response) {
			for (const rule of credentialType.test.rules ?? []) {
				if (rule.type === 'responseCode' && rule.properties.value === cause.response.status) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			return {
				status: 'Error',
				message: cause.response.statusText || `Received HTTP status code: ${cause.response.status}`,
			};
		}
		return { status: 'Error', message: cause?.code ?? (error as Error).message };
	}
	return { status: 'OK', message: 'Connection successful!' };
}

/**
 * A HeyGen Trigger that can be polled again and again, like an active workflow: the same
 * workflow (and so the same static data) each time, through n8n-core's PollContext.
 */
export function heyGenTrigger(
	credentials: HeyGenCredentials,
	parameters: INodeParameters,
	nodeVersion = 1,
) {
	const nodeType = new HeyGenTrigger();
	const { node, workflow, additionalData, credentialsHelper } = setUp(
		credentials,
		parameters,
		false,
		nodeType,
		'n8n-nodes-heygen.heyGenTrigger',
		{},
		nodeVersion,
	);
	return {
		workflow,
		/** One poll; `budgetMs` is what n8n's getPollBudgetMs says (its default when not given). */
		poll: async (mode: 'trigger' | 'manual' = 'trigger', budgetMs?: number) => {
			const context = new PollContext(
				workflow,
				node,
				additionalData,
				mode,
				mode === 'manual' ? 'manual' : 'activate',
				undefined,
				undefined,
				undefined,
				undefined,
				undefined,
				budgetMs === undefined ? undefined : () => budgetMs,
			);
			return await nodeType.poll.call(context);
		},
		/** Changes the trigger's parameters, as a user editing an active workflow would. */
		setParameters: (changed: INodeParameters) => {
			node.parameters =
				NodeHelpers.getNodeParameters(
					nodeType.description.properties,
					changed,
					true,
					false,
					node,
					nodeType.description,
				) ?? {};
		},
		/** Points the trigger at another HeyGen account (another key or Base URL), as switching its credential does. */
		setCredentials: (changed: HeyGenCredentials) => {
			credentialsHelper.setData('heyGenApi', { ...changed });
		},
		staticData: () => workflow.getStaticData('node', node),
	};
}

/** What a webhook call answered: the node's own answer (a refusal) or n8n's, and the result. */
export interface WebhookCall {
	/** The status the node wrote itself (a refusal), undefined where n8n answers. */
	status?: number;
	body?: unknown;
	/** When the node wrote its answer (ms since the epoch): n8n sends it then. */
	answeredAt?: number;
	result: IWebhookResponseData;
}

/**
 * A HeyGen Webhook Trigger in one workflow (one static data), through n8n-core's HookContext (the
 * webhookMethods n8n calls on activation and deactivation) and WebhookContext (a delivery, with the
 * request as n8n's server hands it over: the parsed body and the raw bytes).
 */
export function heyGenWebhookTrigger(credentials: HeyGenCredentials, parameters: INodeParameters) {
	const typeName = 'n8n-nodes-heygen.heyGenWebhookTrigger';
	const nodeType = new HeyGenWebhookTrigger();
	const { node, workflow, additionalData } = setUp(
		credentials,
		parameters,
		false,
		nodeType,
		typeName,
		{},
	);
	node.webhookId = 'c0ffee00-0000-4000-8000-00000000beef';
	const webhookData = (isTest: boolean): IWebhookData => ({
		httpMethod: 'POST',
		node: node.name,
		path: 'webhook',
		webhookDescription: nodeType.description.webhooks![0],
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		isTest,
	});
	const hook = async (method: 'checkExists' | 'create' | 'delete', isTest = false) => {
		const context = new HookContext(
			workflow,
			node,
			additionalData,
			isTest ? 'manual' : 'trigger',
			'activate',
			webhookData(isTest),
		);
		return await nodeType.webhookMethods.default[method].call(context);
	};
	return {
		workflow,
		node,
		staticData: () => workflow.getStaticData('node', node),
		checkExists: async (isTest = false) => await hook('checkExists', isTest),
		create: async (isTest = false) => await hook('create', isTest),
		delete: async (isTest = false) => await hook('delete', isTest),
		/** n8n's activation: create when checkExists says no. */
		activate: async (isTest = false) => {
			if (!(await hook('checkExists', isTest))) await hook('create', isTest);
		},
		/** The URL n8n gives the node (production, or the test URL). */
		url: (isTest = false) =>
			`${isTest ? additionalData.webhookTestBaseUrl : additionalData.webhookBaseUrl}/${node.webhookId}/webhook`,
		/**
		 * One delivery as n8n's server hands it to the node. With `ownStaticData`, the call gets its own
		 * copy of the static data, as n8n's live webhooks load it from the database for each call.
		 */
		deliver: async (
			rawBody: string | Buffer,
			headers: Record<string, string>,
			isTest = false,
			ownStaticData = false,
		): Promise<WebhookCall> => {
			const bytes = Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody, 'utf8');
			let parsed: unknown = {};
			try {
				parsed = JSON.parse(bytes.toString('utf8'));
			} catch {
				// n8n leaves the body empty where it cannot parse it
			}
			/** What HeyGen got back, and when (ms since the epoch): n8n sends it as it is written. */
			const answer: { status?: number; body?: unknown; answeredAt?: number } = {};
			const response = {
				status(code: number) {
					answer.status = code;
					return response;
				},
				json(body: unknown) {
					answer.body = body;
					answer.answeredAt = Date.now();
					return response;
				},
				send(body: unknown) {
					answer.body = body;
					answer.answeredAt = Date.now();
					return response;
				},
				end: () => response,
			};
			const request = { headers, body: parsed, rawBody: bytes, query: {}, params: {} };
			const callData = {
				...additionalData,
				httpRequest: request,
				httpResponse: response,
			} as unknown as IWorkflowExecuteAdditionalData;
			const callWorkflow = ownStaticData
				? new Workflow({
						id: workflow.id,
						name: workflow.name,
						nodes: [node],
						connections: {},
						active: true,
						nodeTypes: workflow.nodeTypes,
						staticData: JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject,
					})
				: workflow;
			const context = new WebhookContext(
				callWorkflow,
				node,
				callData,
				isTest ? 'manual' : 'webhook',
				webhookData(isTest),
				[],
				null,
			);
			const result = await nodeType.webhook.call(context);
			return { ...answer, result };
		},
		/** The events picker, through n8n-core's LoadOptionsContext. */
		eventTypes: async () => {
			const context = new LoadOptionsContext(workflow, node, additionalData, '');
			return await nodeType.methods.loadOptions.getWebhookEventTypes.call(context);
		},
	};
}
