import { REQUIRED_ENV } from './fixtures';
import { loadConfig } from '../../../lambda-src/enrichment-processor/config';

const BASE = REQUIRED_ENV;

describe('reference configuration', () => {
  test('is off unless REFERENCE_TABLE_NAME is set', () => {
    expect(loadConfig(BASE).reference).toBeUndefined();
    expect(loadConfig({ ...BASE, REFERENCE_TABLE_NAME: ' ' }).reference).toBeUndefined();
  });

  test('defaults: key user_id, target user_profile, whole item, 10,000 entries for 300 seconds', () => {
    expect(loadConfig({ ...BASE, REFERENCE_TABLE_NAME: 'profiles' }).reference).toEqual({
      tableName: 'profiles',
      keyField: 'user_id',
      keyAttribute: 'user_id',
      attributes: undefined,
      targetField: 'user_profile',
      cacheSize: 10_000,
      cacheTtlSeconds: 300,
    });
  });

  test('reads every variable; the key attribute defaults to the key field', () => {
    const env = {
      ...BASE,
      REFERENCE_TABLE_NAME: 'profiles',
      REFERENCE_KEY_FIELD: 'event_id',
      REFERENCE_ATTRIBUTES: ' name , tier',
      REFERENCE_TARGET_FIELD: 'profile',
      REFERENCE_CACHE_SIZE: '5',
      REFERENCE_CACHE_TTL_SECONDS: '0',
    };
    expect(loadConfig(env).reference).toEqual({
      tableName: 'profiles',
      keyField: 'event_id',
      keyAttribute: 'event_id',
      attributes: ['name', 'tier'],
      targetField: 'profile',
      cacheSize: 5,
      cacheTtlSeconds: 0,
    });
    expect(loadConfig({ ...env, REFERENCE_KEY_ATTRIBUTE: 'pk' }).reference?.keyAttribute).toBe('pk');
  });

  test.each([
    [{ REFERENCE_CACHE_SIZE: '10' }, 'REFERENCE_CACHE_SIZE is set but REFERENCE_TABLE_NAME is not'],
    [{ REFERENCE_TABLE_NAME: 't', REFERENCE_CACHE_SIZE: '0' }, 'REFERENCE_CACHE_SIZE must be an integer from 1 to 1000000, got "0"'],
    [{ REFERENCE_TABLE_NAME: 't', REFERENCE_CACHE_SIZE: '1e3' }, 'REFERENCE_CACHE_SIZE must be an integer from 1 to 1000000, got "1e3"'],
    [{ REFERENCE_TABLE_NAME: 't', REFERENCE_CACHE_TTL_SECONDS: '-1' }, 'REFERENCE_CACHE_TTL_SECONDS must be an integer from 0 to 86400, got "-1"'],
    [{ REFERENCE_TABLE_NAME: 't', REFERENCE_CACHE_TTL_SECONDS: '86401' }, 'REFERENCE_CACHE_TTL_SECONDS must be an integer from 0 to 86400'],
    [{ REFERENCE_TABLE_NAME: 't', REFERENCE_ATTRIBUTES: 'a,,b' }, 'REFERENCE_ATTRIBUTES must be a comma-separated list of attribute names without empty entries'],
    [{ REFERENCE_TABLE_NAME: 't', REFERENCE_ATTRIBUTES: 'a,b,a' }, 'REFERENCE_ATTRIBUTES lists "a" more than once'],
    [{ REFERENCE_TABLE_NAME: 't', REFERENCE_TARGET_FIELD: 'user_id' }, 'REFERENCE_TARGET_FIELD must differ from the key field and from "processed_at", got "user_id"'],
    [{ REFERENCE_TABLE_NAME: 't', REFERENCE_TARGET_FIELD: 'processed_at' }, 'REFERENCE_TARGET_FIELD must differ'],
  ])('rejects %j', (extra, message) => {
    expect(() => loadConfig({ ...BASE, ...extra })).toThrow(message);
  });
});
