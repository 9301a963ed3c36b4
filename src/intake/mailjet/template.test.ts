import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderTemplate } from './template.ts';

const vars = {
  name: 'Alice',
  count: 3,
  total: '12.50',
  vip: true,
  empty: '',
  user: { first: 'Al', address: { city: 'Lyon' } },
  day: 'Monday',
  rock_bands: [
    { name: 'The Beatles', members: ['John', 'Paul'] },
    { name: 'Nirvana', members: ['Kurt'] },
  ],
  items: [
    { sku: 'A1', qty: 2 },
    { sku: 'B2', qty: 0 },
  ],
  html: '<b>"bold" & \'co\'</b>',
};

// [template, expected output]
const OK: [string, string][] = [
  ['Hello {{var:name}}!', 'Hello Alice!'],
  ['Hello {{ var:name }}!', 'Hello Alice!'],
  ['Hi {{var:missing:"friend"}}', 'Hi friend'],
  ["Hi {{var:missing:'friend'}}", 'Hi friend'],
  ['Hi {{var:missing:friend}}', 'Hi friend'],
  ['Hi {{var:missing:""}}.', 'Hi .'],
  ['Hi {{var:name:"friend"}}', 'Hi Alice'],
  ['{{var:count}} items', '3 items'],
  ['{{var:user.first}} from {{var:user.address.city}}', 'Al from Lyon'],
  ['{% if var:vip %}VIP{% endif %}', 'VIP'],
  ['{% if var:missing %}yes{% else %}no{% endif %}', 'no'],
  ['{% if var:empty %}yes{% else %}no{% endif %}', 'no'],
  ['{% if var:count > 2 %}many{% elseif var:count > 0 %}some{% else %}none{% endif %}', 'many'],
  ['{% if var:count > 5 %}many{% elseif var:count > 0 %}some{% else %}none{% endif %}', 'some'],
  ['{% if var:count > 5 %}many{% elif var:count == 3 %}three{% endif %}', 'three'],
  ['{% if var:total >= 12.5 %}free shipping{% endif %}', 'free shipping'],
  ['{% if var:total < 10 %}cheap{% else %}dear{% endif %}', 'dear'],
  ['{% if var:day == "Monday" %}Start{% endif %}', 'Start'],
  ["{% if var:day != 'Monday' %}x{% else %}y{% endif %}", 'y'],
  ['{% if var:vip and var:count == 3 %}both{% endif %}', 'both'],
  ['{% if var:missing or var:count < 4 %}either{% endif %}', 'either'],
  ['{% if not var:missing %}absent{% endif %}', 'absent'],
  ['{% if (var:missing or var:vip) and var:day == "Monday" %}ok{% endif %}', 'ok'],
  ['{% if var:missing == 1 %}a{% else %}b{% endif %}', 'b'],
  ['{% for item in var:items %}[{{item.sku}}x{{ item.qty }}]{% endfor %}', '[A1x2][B2x0]'],
  [
    '{% for band in var:rock_bands %}{{ band.name }}:{% for m in band.members %} {{ m }}{% endfor %};{% endfor %}',
    'The Beatles: John Paul;Nirvana: Kurt;',
  ],
  ['{% for item in var:items %}{% if item.qty > 0 %}{{item.sku}}{% endif %}{% endfor %}', 'A1'],
  ['{% for b in var:rock_bands %}{{var:name}}{% endfor %}', 'AliceAlice'],
  ['no tags at all', 'no tags at all'],
];

for (const [tpl, expected] of OK) {
  test(`renders ${JSON.stringify(tpl)}`, () => {
    const r = renderTemplate(tpl, vars);
    assert.deepEqual(r.errors, []);
    assert.equal(r.ok, true);
    assert.equal(r.text, expected);
  });
}

// [template, expected error substring]
const ERR: [string, string][] = [
  ['Hi {{var:missing}}', 'variable "var:missing" is not defined'],
  ['{{var:user.nope}}', 'var:user.nope'],
  ['{% for x in var:nolist %}{% endfor %}', 'loop variable "nolist" is not defined'],
  ['{% for x in var:name %}{% endfor %}', 'is not a list'],
  ['{% if var:x %}open', 'not closed'],
  ['{% endif %}', 'without {% if %}'],
  ['{% else %}', 'without {% if %}'],
  ['{% if var:a %}{% else %}{% else %}{% endif %}', 'without {% if %}'],
  ['{% for x in var:items %}', 'not closed'],
  ['{% include "x" %}', 'unknown tag'],
  ['{% if var:a == %}x{% endif %}', 'incomplete condition'],
  ['{% if var:a === 1 %}x{% endif %}', ''],
  ['{{data:firstname}}', 'contact data'],
  ['{{ what ever }}', 'invalid placeholder'],
];

for (const [tpl, msg] of ERR) {
  test(`template error for ${JSON.stringify(tpl)}`, () => {
    const r = renderTemplate(tpl, vars);
    assert.equal(r.ok, false);
    assert.ok(r.errors.length > 0);
    assert.ok(r.errors.some((e) => e.includes(msg)), r.errors.join(' | '));
  });
}

test('a missing variable leaves the rest rendered (TemplateErrorDeliver delivers this)', () => {
  const r = renderTemplate('Dear {{var:title}} {{var:name}},', vars);
  assert.equal(r.ok, false);
  assert.equal(r.text, 'Dear  Alice,');
});

test('HTML mode escapes printed values, text mode does not', () => {
  assert.equal(renderTemplate('<p>{{var:html}}</p>', vars, { html: true }).text, '<p>&lt;b&gt;&quot;bold&quot; &amp; &#39;co&#39;&lt;/b&gt;</p>');
  assert.equal(renderTemplate('{{var:html}}', vars).text, vars.html);
  assert.equal(renderTemplate('{{var:x:"<i>"}}', {}, { html: true }).text, '&lt;i&gt;');
});

test('limits: loop iterations, output size, nesting depth', () => {
  const big = { list: Array.from({ length: 100 }, (_, i) => i) };
  const nested = '{% for a in var:list %}{% for b in var:list %}{% for c in var:list %}x{% endfor %}{% endfor %}{% endfor %}';
  const r1 = renderTemplate(nested, big);
  assert.equal(r1.ok, false);
  assert.match(r1.errors.join(), /more than 10000 loop iterations/);
  const r2 = renderTemplate('{% for a in var:list %}{{var:s}}{% endfor %}', { list: big.list, s: 'y'.repeat(1000) }, { maxOutput: 50_000 });
  assert.equal(r2.ok, false);
  assert.match(r2.errors.join(), /output larger than 50000/);
  const deep = '{% if var:a %}'.repeat(20) + 'x' + '{% endif %}'.repeat(20);
  const r3 = renderTemplate(deep, { a: 1 });
  assert.equal(r3.ok, false);
  assert.match(r3.errors.join(), /nested deeper than 16/);
  assert.equal(renderTemplate('{% if var:a %}'.repeat(10) + 'x' + '{% endif %}'.repeat(10), { a: 1 }).text, 'x');
});

test('a loop variable does not leak outside its loop', () => {
  const r = renderTemplate('{% for item in var:items %}{% endfor %}{{item.sku}}', vars);
  assert.equal(r.ok, false);
  assert.match(r.errors[0]!, /"item.sku" is not defined/);
});
