import { s3OptionsFromEnv } from './s3-config';

const base = {
  RATCHET_S3_ENDPOINT: 'http://127.0.0.1:19000',
  RATCHET_S3_ACCESS_KEY: 'ak',
  RATCHET_S3_SECRET_KEY: 'sk',
  RATCHET_S3_BUCKET: 'ratchet',
};

describe('S3 settings from the environment', () => {
  it('fails with a message that says what to do when the endpoint is not set', () => {
    expect(() => s3OptionsFromEnv({})).toThrow(/RATCHET_S3_ENDPOINT is not set: start the local servers with deploy\/local\/up\.sh/);
  });

  it('splits the endpoint URL into host, port and TLS', () => {
    expect(s3OptionsFromEnv(base)).toEqual({
      endPoint: '127.0.0.1',
      port: 19000,
      useSSL: false,
      accessKey: 'ak',
      secretKey: 'sk',
      region: 'us-east-1',
      bucket: 'ratchet',
      pathStyle: true,
    });
    expect(s3OptionsFromEnv({ ...base, RATCHET_S3_ENDPOINT: 'https://s3.example.com', RATCHET_S3_PATH_STYLE: 'false' })).toMatchObject({
      endPoint: 's3.example.com',
      port: 443,
      useSSL: true,
      pathStyle: false,
    });
  });

  it('refuses a malformed endpoint, missing credentials and a part size under the S3 minimum', () => {
    expect(() => s3OptionsFromEnv({ ...base, RATCHET_S3_ENDPOINT: '127.0.0.1:19000' })).toThrow(/must be/);
    expect(() => s3OptionsFromEnv({ ...base, RATCHET_S3_SECRET_KEY: '' })).toThrow(/RATCHET_S3_SECRET_KEY is not set/);
    expect(() => s3OptionsFromEnv({ ...base, RATCHET_S3_PART_SIZE_MB: '4' })).toThrow(/>= 5/);
    expect(s3OptionsFromEnv({ ...base, RATCHET_S3_PART_SIZE_MB: '16' }).partSizeBytes).toBe(16 * 1024 * 1024);
  });
});
