// The OpenAPI documents pgrest serves at GET / validated by an independent validator from the npm
// registry: Swagger 2.0 (what PostgREST v13 serves) and OpenAPI 3.1 (beyond PostgREST).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';

const base = process.env.PGREST_TEST_URL;

async function documentFor(accept) {
  const res = await fetch(`${base}/`, { headers: { Accept: accept } });
  assert.equal(res.status, 200);
  return { contentType: res.headers.get('content-type'), doc: await res.json() };
}

test('the Swagger 2.0 document is valid', async () => {
  const { contentType, doc } = await documentFor('application/openapi+json');
  assert.equal(contentType, 'application/openapi+json; charset=utf-8');
  assert.equal(doc.swagger, '2.0');
  assert.ok(doc.paths['/tasks'], 'the todo table is documented');
  const result = await new Validator().validate(doc);
  assert.equal(result.valid, true, JSON.stringify(result.errors));
});

test('the OpenAPI 3.1 document is valid', async () => {
  const { contentType, doc } = await documentFor('application/openapi+json;version=3.1');
  assert.equal(contentType, 'application/openapi+json; version=3.1; charset=utf-8');
  assert.equal(doc.openapi, '3.1.0');
  assert.ok(doc.components.schemas.tasks.properties.name, 'columns become schema properties');
  assert.ok(doc.paths['/tasks'].post.requestBody, 'bodies become requestBody');
  const result = await new Validator().validate(doc);
  assert.equal(result.valid, true, JSON.stringify(result.errors));
});
