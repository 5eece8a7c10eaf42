import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { lineOf, parseTextFormat, TextFormatError } from './text';

// Two small schemas: the shape of a Caffe net, and an unrelated one (any schema must work).
const root = protobuf.Root.fromJSON({
  nested: {
    Net: {
      fields: {
        name: { type: 'string', id: 1 },
        input: { rule: 'repeated', type: 'string', id: 3 },
        input_dim: { rule: 'repeated', type: 'int32', id: 4 },
        layer: { rule: 'repeated', type: 'Layer', id: 100 },
      },
    },
    Layer: {
      fields: {
        name: { type: 'string', id: 1 },
        type: { type: 'string', id: 2 },
        bottom: { rule: 'repeated', type: 'string', id: 3 },
        top: { rule: 'repeated', type: 'string', id: 4 },
        convolution_param: { type: 'Conv', id: 106 },
        pooling_param: { type: 'Pool', id: 121 },
        relu_param: { type: 'Relu', id: 123 },
      },
    },
    Conv: { fields: { num_output: { type: 'uint32', id: 1 } } },
    Pool: {
      fields: {
        pool: { type: 'Method', id: 1 },
        kernel_size: { type: 'uint32', id: 2 },
        stride: { type: 'uint32', id: 3 },
      },
      nested: { Method: { values: { MAX: 0, AVE: 1, STOCHASTIC: 2 } } },
    },
    Relu: { fields: { negative_slope: { type: 'float', id: 1 } } },
    Sample: {
      fields: {
        id: { type: 'int64', id: 1 },
        count: { type: 'uint32', id: 2 },
        ratio: { type: 'double', id: 3 },
        ok: { type: 'bool', id: 4 },
        label: { type: 'string', id: 5 },
        colour: { type: 'Colour', id: 6 },
        values: { rule: 'repeated', type: 'float', id: 7 },
        child: { rule: 'repeated', type: 'Sample', id: 8 },
      },
    },
    Colour: { values: { RED: 0, GREEN: 1, BLUE: 2 } },
  },
});
root.resolveAll();
const Net = root.lookupType('Net');
const Sample = root.lookupType('Sample');

interface NetMsg {
  name?: string;
  input?: string[];
  input_dim?: number[];
  layer?: { pooling_param?: unknown; relu_param?: unknown }[];
}

/** The parser's message for bad text (the test fails if it parses). */
function bad(text: string, type: protobuf.Type | null = Net): string {
  try {
    parseTextFormat(text, 'bad.prototxt', type);
  } catch (e) {
    expect(e).toBeInstanceOf(TextFormatError);
    return (e as Error).message;
  }
  throw new Error('parsed');
}

describe('protobuf text format', () => {
  it('reads messages, repeated fields, enums, lists, comments, adjacent strings and <> blocks', () => {
    const net = parseTextFormat<NetMsg>(
      `name: "a" "b"  # comment
input: 'data' input_dim: [1, 3, 8, 8]
layer < name: "p" type: "Pooling" bottom: "data" top: "p" pooling_param { pool: AVE kernel_size: 3 stride: 2 } >
layer { name: "r" type: "ReLU" bottom: "p" top: "p" relu_param { negative_slope: -1.5e-1 } some_unknown_field { x: 1 } }`,
      'x.prototxt',
      Net,
    );
    expect(net.name).toBe('ab');
    expect(net.input).toEqual(['data']);
    expect(net.input_dim).toEqual([1, 3, 8, 8]);
    expect(net.layer?.[0].pooling_param).toEqual({ pool: 'AVE', kernel_size: 3, stride: 2 });
    expect(net.layer?.[1].relu_param).toEqual({ negative_slope: -0.15 });
  });

  it('reports syntax errors with file, line and column', () => {
    expect(bad('name: "x"\nlayer {\n  name: "c"\n  type: "ReLU"\n')).toMatch(/^bad\.prototxt:5:1: missing '\}'/);
    expect(bad('layer {\n  name: "c"\n  convolution_param { num_output: many }\n}')).toBe(
      "bad.prototxt:3:35: field 'num_output' expects a number, found 'many'",
    );
    expect(bad('layer { pooling_param { pool: MEDIAN } }')).toMatch(/^bad\.prototxt:1:31: 'MEDIAN' is not a valid value for 'pool'/);
    expect(bad('name: "unterminated\n')).toMatch(/^bad\.prototxt:1:7: unterminated string/);
    expect(bad('layer {\n name "x"\n}')).toMatch(/^bad\.prototxt:2:7: expected ':' or '\{' after 'name'/);
  });

  it('reads any schema: int64, hex, inf, enums by number, escapes, nested repeated messages', () => {
    const s = parseTextFormat<Record<string, unknown>>(
      `id: -0x10 count: 7 ratio: -inf ok: t label: "tab\\there \\x41" colour: 2
values: [1.5f, 2, nan] child { id: 1 child { colour: GREEN } } child: { ok: false }`,
      'sample.pbtxt',
      Sample,
    );
    expect(s).toMatchObject({ id: -16, count: 7, ratio: -Infinity, ok: true, label: 'tab\there A', colour: 'BLUE' });
    expect((s.values as number[]).slice(0, 2)).toEqual([1.5, 2]);
    expect(Number.isNaN((s.values as number[])[2])).toBe(true);
    expect(s.child).toEqual([{ id: 1, child: [{ colour: 'GREEN' }] }, { ok: false }]);
  });

  it('keeps the line each message starts on, without making it a field', () => {
    const net = parseTextFormat<NetMsg>('name: "n"\n\nlayer {\n  name: "a"\n}\nlayer { name: "b" }', 'n.prototxt', Net);
    expect(net.layer!.map((l) => lineOf(l))).toEqual([3, 6]);
    expect(Object.keys(net.layer![0])).toEqual(['name']);
  });

  it('checks values against the field types', () => {
    expect(bad('count: 1.5', Sample)).toBe("bad.prototxt:1:8: field 'count' expects an integer, found '1.5'");
    expect(bad('count: -1', Sample)).toBe("bad.prototxt:1:8: field 'count' cannot be negative");
    expect(bad('ok: maybe', Sample)).toBe("bad.prototxt:1:5: field 'ok' expects true or false, found 'maybe'");
    expect(bad('ratio: "1"', Sample)).toBe(`bad.prototxt:1:8: field 'ratio' expects a double, found the string "1"`);
    expect(bad('label: x', Sample)).toBe("bad.prototxt:1:8: field 'label' expects a quoted string, found 'x'");
    expect(bad('colour: 7', Sample)).toBe("bad.prototxt:1:9: 7 is not a valid value for 'colour'");
    expect(bad('child: 3', Sample)).toBe("bad.prototxt:1:8: field 'child' is a message: expected '{', found '3'");
    expect(bad('count { }', Sample)).toBe("bad.prototxt:1:7: field 'count' is a uint32, not a message");
    expect(bad('label: "a\\q"', Sample)).toBe("bad.prototxt:1:10: unknown escape '\\q' in string");
    expect(bad('values: [1 2]', Sample)).toBe("bad.prototxt:1:12: expected ',' or ']' in the list of 'values', found '2'");
  });

  it('checks only the syntax without a schema', () => {
    expect(parseTextFormat('a: 1 b { c: "x" }', 'any.pbtxt', null)).toEqual({});
    expect(bad('a: 1 b { c: "x"', null)).toMatch(/^bad\.prototxt:1:16: missing '\}'/);
    expect(bad('a: 1 @', null)).toBe("bad.prototxt:1:6: unexpected character '@'");
  });

  it('refuses messages nested more than 100 deep with file, line and column, without a stack overflow', () => {
    const deep = 'layer {\n'.repeat(5000) + '}\n'.repeat(5000);
    let error: unknown;
    try {
      parseTextFormat(deep, 'deep.prototxt', Net);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TextFormatError);
    expect((error as Error).message).toBe('deep.prototxt:101:7: messages are nested more than 100 deep');
    // Unknown fields nest too, and are bounded the same way.
    expect(() => parseTextFormat('x {'.repeat(5000) + '}'.repeat(5000), 'u.prototxt', Net)).toThrow(/^u\.prototxt:1:\d+: messages are nested more than 100 deep$/);
    expect(() => parseTextFormat('x {'.repeat(100) + '}'.repeat(100), 'ok.prototxt', Net)).not.toThrow();
  });
});

