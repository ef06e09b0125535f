/** The resources and operations of the HeyGen node, as the router dispatches them. */
export type HeyGenNodeType = {
	asset: 'delete' | 'get' | 'getAll' | 'upload';
	folder: 'get' | 'getAll';
	video: 'delete' | 'get' | 'getAll';
};

export type HeyGenResource = keyof HeyGenNodeType;
