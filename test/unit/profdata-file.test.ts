import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkProfdataFile } from '../../src/core/profile/profdata-file';
import { tempDir } from './helpers';

describe('profdata file check', () => {
  const INDEXED = Buffer.from([0xff, 0x6c, 0x70, 0x72, 0x6f, 0x66, 0x69, 0x81, 1, 2, 3, 4]);
  const RAW = Buffer.from([0x81, 0x72, 0x66, 0x6f, 0x72, 0x70, 0x6c, 0xff, 9, 9]);
  const write = (name: string, data: Buffer): string => {
    const f = path.join(tempDir(), name);
    fs.writeFileSync(f, data);
    return f;
  };

  it('accepts an indexed profile of the recorded size', () => {
    assert.equal(checkProfdataFile(write('a.profdata', INDEXED), INDEXED.length), undefined);
  });
  it('names an empty file', () => {
    assert.match(checkProfdataFile(write('e.profdata', Buffer.alloc(0)))?.message ?? '', /is empty$/);
  });
  it('recognises a renamed .profraw and says to merge it', () => {
    const p = checkProfdataFile(write('r.profdata', RAW));
    assert.match(p?.message ?? '', /is a raw profile \(\.profraw\), not a merged \.profdata/);
    assert.match(p?.fix ?? '', /pgo merge/);
  });
  it('rejects random bytes', () => {
    assert.match(checkProfdataFile(write('x.profdata', Buffer.from('not a profile at all')))?.message ?? '', /not an LLVM indexed profile/);
  });
  it('notices a truncated profile against its metadata', () => {
    assert.match(checkProfdataFile(write('t.profdata', INDEXED.subarray(0, 10)), INDEXED.length)?.message ?? '', /truncated or replaced/);
  });
  it('says when the file cannot be read', () => {
    assert.match(checkProfdataFile('/no/such/file.profdata')?.message ?? '', /cannot read/);
  });
});
