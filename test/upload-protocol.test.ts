/** The decisions of the upload protocol, as pure functions (HeyGen's notes: "How HeyGen's own clients speak the upload protocol"). */
import { storageHeaders } from '../nodes/HeyGen/transport/upload';

describe('storageHeaders: the storage PUT', () => {
	const file = { contentType: 'video/mp4', size: 42 };

	it('sends the declared Content-Type when upload_headers is {} (the URL is signed for it)', () => {
		expect(storageHeaders({ uploadHeaders: {} }, file)).toEqual({
			'content-type': 'video/mp4',
			'content-length': '42',
		});
	});

	it("puts upload_headers on top, HeyGen's Content-Type included, and never an API key", () => {
		expect(
			storageHeaders(
				{
					uploadHeaders: {
						'content-type': 'video/mp4; codecs=avc1',
						'x-amz-meta-id': 'a1',
						'x-api-key': 'leaked',
						authorization: 'Bearer x',
					},
				},
				file,
			),
		).toEqual({
			'content-type': 'video/mp4; codecs=avc1',
			'x-amz-meta-id': 'a1',
			'content-length': '42',
		});
	});
});
