/**
 * The strict JSON reader on its own: what it takes (every JSON shape, keys repeated only where
 * they are different objects' keys) and each thing it refuses, in the places a walker of the
 * text could lose track (after arrays, inside strings, behind escapes).
 */
import { describe, expect, it } from 'vitest';
import { parseStrictJson } from './strict-json.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const read = (text: string) => parseStrictJson(bytes(text));

describe('strict JSON', () => {
  it('takes every JSON shape, with any spacing', () => {
    expect(read('{"a":1,"b":[true,false,null],"c":{"d":"e"}}')).toEqual({ a: 1, b: [true, false, null], c: { d: 'e' } });
    expect(read(' { "a" : [ 1 , { "b" : "c" } ] , "d" : null } ')).toEqual({ a: [1, { b: 'c' }], d: null });
    for (const text of ['"a string"', '7', '-0.5e3', 'true', 'null', '[]', '{}', '[[],{}]']) {
      expect(read(text), text).toEqual(JSON.parse(text));
    }
  });

  it('refuses what is not JSON, and a byte-order mark before it', () => {
    for (const text of ['', '{', '{"a":1,}', "{'a':1}", '{"a":1}x', 'undefined', '{"a":01}']) {
      expect(read(text), text).toBeUndefined();
    }
    expect(parseStrictJson(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('{"a":1}')]))).toBeUndefined();
  });

  it('refuses bytes that are not UTF-8, inside a string too, and takes any valid character', () => {
    for (const bad of [[0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf8, 0x88, 0x80, 0x80, 0x80]]) {
      const text = bytes('{"a":"x~y"}');
      const at = text.indexOf('~'.charCodeAt(0));
      expect(parseStrictJson(new Uint8Array([...text.subarray(0, at), ...bad, ...text.subarray(at + 1)])), bad.join(',')).toBeUndefined();
    }
    expect(read('{"name":"Zoë 報告 👩🏽‍💻 \\ud83d\\ude00"}')).toEqual({ name: 'Zoë 報告 👩🏽‍💻 😀' });
  });

  it('refuses a key twice in one object, however deep, however spelled', () => {
    for (const text of [
      '{"a":1,"a":2}',
      '{ "a" : 1 , "a" : 2 }',
      '{"a":{"b":1,"b":2}}',
      '[{"a":1,"a":2}]',
      '[1,{"x":[{"a":1,"a":2}]}]',
      '{"a":1,"b":2,"c":3,"a":4}',
      // After a value that is an array or an object, the keys of the object still count.
      '{"a":[1,2],"a":3}',
      '{"a":[],"b":[[]],"a":3}',
      '{"a":{},"a":3}',
      '{"a":{"b":{}},"c":1,"a":3}',
      // Escapes spell the same key: the decoded key is compared.
      '{"a":1,"\\u0061":2}',
      '{"a\\"b":1,"a\\"b":2}',
      '{"a\\\\":1,"a\\\\":2}',
      '{"\\/":1,"/":2}',
    ]) {
      expect(read(text), text).toBeUndefined();
    }
  });

  it('takes the same key in different objects, and a value spelled like a key', () => {
    for (const text of [
      '{"a":{"a":1}}',
      '{"a":{"b":1},"b":{"a":2}}',
      '[{"a":1},{"a":2}]',
      '{"a":"a"}',
      '{"a":["a","a"],"b":"a"}',
      '{"a":[{"b":1},{"b":2}],"b":[]}',
      '{"a":[1,"a",{"c":"a"}]}',
      '["a","a"]',
      // Structure inside a string is text, escaped quotes and backslashes included.
      '{"x":"{\\"a\\":1,\\"a\\":2}","y":"[\\"a\\",{"}',
      '{"a\\"b":1,"a":2,"b":"\\\\","c":"\\\\\\"a\\":1"}',
      '{"a,\\"a\\":":1,"a":2}',
    ]) {
      expect(read(text), text).toEqual(JSON.parse(text));
    }
  });

  it('refuses a control character or a lone surrogate in any string: a value or a key, escaped or raw, at any depth', () => {
    for (const char of ['\\u0000', '\\u0007', '\\u001b', '\\u001f', '\\u007f', '\\u0085', '\\u009f', '\\ud800', '\\udfff', '\\n', '\\t']) {
      for (const text of [`"a${char}"`, `{"a":"${char}"}`, `{"${char}":1}`, `{"a":{"b":["ok","${char}"]}}`, `[1,"ok",{"c":"${char}"}]`, `{"ok":"ok","a":"x${char}y","z":"ok"}`]) {
        expect(read(text), text).toBeUndefined();
      }
    }
    // DEL and the C1 range raw: JSON allows them unescaped.
    for (const raw of ['\u007f', '\u0085', '\u009f']) expect(read(`{"a":"${raw}"}`), JSON.stringify(raw)).toBeUndefined();
  });

  it('takes characters next to the control ranges, and values that are no strings', () => {
    for (const char of ['\\u0020', '\\u007e', '\\u00a0', '\\ue000', '\\ud83d\\ude00']) {
      const text = `{"k${char}":"v${char}","list":["${char}"]}`;
      expect(read(text), text).toEqual(JSON.parse(text));
    }
    expect(read('{"a":null,"b":[null,0,false],"c":{"d":null}}')).toEqual({ a: null, b: [null, 0, false], c: { d: null } });
  });
});
