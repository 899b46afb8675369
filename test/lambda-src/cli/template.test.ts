import { randomUUID } from 'node:crypto';
import * as fc from 'fast-check';
import {
  compileTemplate,
  JsonValue,
  longestValues,
  PLACEHOLDER_SYNTAX,
  Placeholder,
  PlaceholderValues,
  recordValues,
  renderTemplate,
  SEED_EVENT_TEMPLATE,
  TemplateError,
} from '../../../lambda-src/cli/template';

/** Each placeholder's value, fixed, so that rendering is asserted exactly. */
const FIXED: PlaceholderValues = (placeholder: Placeholder) => {
  switch (placeholder.kind) {
    case 'random_int':
      return placeholder.max;
    case 'choice':
      return placeholder.options[placeholder.options.length - 1];
    case 'epoch_ms':
      return 1_700_000_000_000;
    case 'sequence':
      return 42;
    default:
      return `<${placeholder.kind}>`;
  }
};

function compileError(template: JsonValue): string {
  try {
    compileTemplate(template);
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return (error as Error).message;
  }
  throw new Error('compiled');
}

describe('compileTemplate and renderTemplate', () => {
  test('replace placeholders in string values at any depth, keeping everything else as it is', () => {
    const template = compileTemplate({
      id: '{{uuid}}',
      label: 'order {{sequence}} of {{ user }} at {{timestamp}}',
      plain: 'no placeholders, {single braces}, {{ unclosed',
      count: 3,
      flag: true,
      none: null,
      nested: { tags: ['{{choice:a|b}}', 'x-{{random_int:1:9}}', 7], deeper: { at: '{{epoch_ms}}' } },
    });

    expect(renderTemplate(template, FIXED)).toEqual({
      id: '<uuid>',
      label: 'order 42 of <user> at <timestamp>',
      plain: 'no placeholders, {single braces}, {{ unclosed',
      count: 3,
      flag: true,
      none: null,
      nested: { tags: ['b', 'x-9', 7], deeper: { at: 1_700_000_000_000 } },
    });
  });

  test('a value that is exactly one numeric placeholder becomes a JSON number; in text it stays text', () => {
    const rendered = renderTemplate(compileTemplate({
      n: '{{random_int:-5:5}}', ms: '{{epoch_ms}}', seq: '{{sequence}}', text: '{{sequence}}!', user: '{{user}}',
    }), FIXED);

    expect(rendered).toEqual({ n: 5, ms: 1_700_000_000_000, seq: 42, text: '42!', user: '<user>' });
  });

  test('the options of a choice may hold colons', () => {
    expect(renderTemplate(compileTemplate({ at: '{{choice:10:30|https://example.com/a}}' }), FIXED)).toEqual({ at: 'https://example.com/a' });
  });

  test('the seed event is a template of the seed sample\'s fields', () => {
    expect(Object.keys(renderTemplate(compileTemplate(SEED_EVENT_TEMPLATE), FIXED) as object))
      .toEqual(['event_id', 'event_type', 'timestamp', 'user_id', 'page', 'metadata']);
  });

  test('documents every placeholder it accepts', () => {
    expect(PLACEHOLDER_SYNTAX).toEqual([
      '{{uuid}}', '{{timestamp}}', '{{epoch_ms}}', '{{user}}', '{{sequence}}', '{{random_int:MIN:MAX}}', '{{choice:A|B|C}}',
    ]);
  });

  test.each([
    [[1, 2], 'the record must be a JSON object, like the seed event'],
    ['{{uuid}}', 'the record must be a JSON object, like the seed event'],
    [null, 'the record must be a JSON object, like the seed event'],
    [{ a: { b: ['x', '{{uid}}'] } },
      'placeholder {{uid}} at $.a.b[1]: unknown placeholder; allowed are {{uuid}}, {{timestamp}}, {{epoch_ms}}, {{user}}, {{sequence}}, '
      + '{{random_int:MIN:MAX}}, {{choice:A|B|C}}'],
    [{ a: '{{}}' }, 'placeholder {{}} at $.a: unknown placeholder; allowed are {{uuid}}, {{timestamp}}, {{epoch_ms}}, {{user}}, {{sequence}}, '
      + '{{random_int:MIN:MAX}}, {{choice:A|B|C}}'],
    [{ a: '{{uuid:4}}' }, 'placeholder {{uuid:4}} at $.a: {{uuid}} takes no arguments'],
    [{ a: '{{random_int:5:1}}' }, 'placeholder {{random_int:5:1}} at $.a: allowed is {{random_int:MIN:MAX}} with integers MIN <= MAX'],
    [{ a: '{{random_int:1}}' }, 'placeholder {{random_int:1}} at $.a: allowed is {{random_int:MIN:MAX}} with integers MIN <= MAX'],
    [{ a: '{{random_int:1:2.5}}' }, 'placeholder {{random_int:1:2.5}} at $.a: allowed is {{random_int:MIN:MAX}} with integers MIN <= MAX'],
    [{ a: '{{random_int:0:99999999999999999999}}' },
      'placeholder {{random_int:0:99999999999999999999}} at $.a: allowed is {{random_int:MIN:MAX}} with integers MIN <= MAX'],
    [{ a: '{{choice}}' }, 'placeholder {{choice}} at $.a: allowed is {{choice:A|B|C}} with at least one option'],
  ])('%j is refused: %s', (template, message) => {
    expect(compileError(template as JsonValue)).toBe(message);
  });
});

const RANDOM = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe('recordValues', () => {
  const facts = { user: 'user-7', sequence: 3, nowMs: Date.UTC(2024, 0, 15, 10, 30, 0, 123) };

  test('user, sequence and time are the same wherever they occur; uuid, random_int and choice draw at each occurrence', () => {
    let uuids = 0;
    const randoms = [0, 0.999, 0.5, 0.25];
    const values = recordValues(facts, { uuid: () => `uuid-${uuids++}`, random: () => randoms.shift()! });
    const template = compileTemplate({
      a: '{{user}}/{{user}}',
      b: '{{timestamp}}',
      c: '{{timestamp}}',
      d: '{{epoch_ms}}',
      e: '{{sequence}}',
      f: ['{{uuid}}', '{{uuid}}'],
      g: ['{{random_int:1:6}}', '{{random_int:1:6}}'],
      h: ['{{choice:x|y|z|w}}', '{{choice:x|y|z|w}}'],
    });

    expect(renderTemplate(template, values)).toEqual({
      a: 'user-7/user-7',
      b: '2024-01-15T10:30:00.123Z',
      c: '2024-01-15T10:30:00.123Z',
      d: facts.nowMs,
      e: 3,
      f: ['uuid-0', 'uuid-1'],
      g: [1, 6],
      h: ['z', 'y'],
    });
  });

  test('random_int covers MIN to MAX inclusive', () => {
    fc.assert(fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 1000 }), RANDOM,
      (min, span, random) => {
        const value = recordValues(facts, { uuid: () => '', random: () => random })({ kind: 'random_int', min, max: min + span }) as number;
        expect(Number.isInteger(value) && value >= min && value <= min + span).toBe(true);
      }));
    const extremes = [0, 1 - Number.EPSILON].map((random) => recordValues(facts, { uuid: () => '', random: () => random })({ kind: 'random_int', min: 1, max: 6 }));
    expect(extremes).toEqual([1, 6]);
  });
});

describe('longestValues', () => {
  test('no rendering of a template is larger than its rendering with the longest values', () => {
    const option = fc.string({ unit: 'binary', maxLength: 8 }).filter((text) => !/[{}|]/.test(text));
    const placeholder = fc.oneof(
      fc.constantFrom('{{uuid}}', '{{timestamp}}', '{{epoch_ms}}', '{{user}}', '{{sequence}}'),
      fc.tuple(fc.integer({ min: -100_000, max: 100_000 }), fc.integer({ min: 0, max: 200_000 })).map(([min, span]) => `{{random_int:${min}:${min + span}}}`),
      fc.array(option, { minLength: 1, maxLength: 4 }).map((options) => `{{choice:${options.join('|')}}}`),
    );
    const text = fc.array(fc.oneof(placeholder, option), { maxLength: 4 }).map((parts) => parts.join(''));
    const template = fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(text, placeholder, fc.array(text, { maxLength: 3 })));

    fc.assert(fc.property(template, fc.integer({ min: 1, max: 100_000 }), fc.array(RANDOM, { minLength: 1 }),
      (raw, users, draws) => {
        const compiled = compileTemplate(raw);
        const largest = JSON.stringify(renderTemplate(compiled, longestValues({ longestUser: `user-${users - 1}`, lastSequence: 99_999 })));
        let i = 0;
        const values = recordValues(
          { user: `user-${Math.floor(draws[0] * users)}`, sequence: Math.floor(draws[0] * 100_000), nowMs: Date.now() },
          { uuid: randomUUID, random: () => draws[i++ % draws.length] },
        );
        expect(Buffer.byteLength(JSON.stringify(renderTemplate(compiled, values)))).toBeLessThanOrEqual(Buffer.byteLength(largest));
      }));
  });
});
