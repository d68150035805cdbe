import { InvalidMetadataError, assertValidMetadata, infoFromStat, putHeaders, sha256FromHeaders } from './s3-metadata';

const sha = 'a'.repeat(64);

describe('S3 metadata', () => {
  it('sends the checksum and content type next to the user metadata', () => {
    expect(putHeaders(sha, 'text/plain', { records: '7' })).toEqual({ records: '7', sha256: sha, 'Content-Type': 'text/plain' });
  });

  it('reads user metadata back from a stat without the headers minio mixes in', () => {
    const when = new Date(0);
    const info = infoFromStat('k', {
      size: 3,
      lastModified: when,
      metaData: { 'content-type': 'text/plain', records: '7', sha256: sha, 'x-amz-storage-class': 'STANDARD' },
    });
    expect(info).toEqual({ key: 'k', size: 3, sha256: sha, lastModified: when, contentType: 'text/plain', metadata: { records: '7' } });
  });

  it('takes the checksum from GET response headers only when it is a sha256', () => {
    expect(sha256FromHeaders({ 'x-amz-meta-sha256': sha })).toBe(sha);
    expect(sha256FromHeaders({ 'x-amz-meta-sha256': 'nope' })).toBeNull();
    expect(sha256FromHeaders({})).toBeNull();
  });

  it('accepts only metadata S3 returns unchanged, and keeps the checksum key reserved', () => {
    expect(() => assertValidMetadata({ records: '7', 'batch-id': 'b_1' })).not.toThrow();
    const bads: Record<string, string>[] = [{ batchId: 'x' }, { 'has space': 'x' }, { note: 'ünïcode' }, { sha256: sha }];
    for (const bad of bads) {
      expect(() => assertValidMetadata(bad)).toThrow(InvalidMetadataError);
    }
  });
});
