/**
 * A span exporter that passes spans on without what they must not carry: URLs (full, target,
 * query) and any attribute value that holds one, and the query or path of a URL in a span's
 * name (Next names its spans after the request line and the fetched URL). Our own spans carry
 * none of these; Next's do. Tokens and emails appear in no span this app makes, and the
 * observability test checks the exported spans for them.
 */
import 'server-only';
import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

const DROPPED_KEYS = new Set(['http.url', 'url.full', 'http.target', 'url.query', 'next.rsc']);

function redactAttributes(attributes: Attributes): Attributes {
  const kept: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (DROPPED_KEYS.has(key)) continue;
    if (typeof value === 'string' && value.includes('://')) continue;
    kept[key] = value;
  }
  return kept;
}

/** `GET /posts?x=1` → `GET /posts`; `fetch GET http://api:8080/posts` → `fetch GET api:8080`. */
export function redactName(name: string): string {
  return name.replace(/[a-z][a-z0-9+.-]*:\/\/([^/\s?#]+)[^\s]*/gi, '$1').replace(/\?[^\s]*/g, '');
}

function redact(span: ReadableSpan): ReadableSpan {
  return Object.create(span, {
    name: { value: redactName(span.name) },
    attributes: { value: redactAttributes(span.attributes) },
  }) as ReadableSpan;
}

export function redactingExporter(exporter: SpanExporter): SpanExporter {
  return {
    export: (spans, done) => exporter.export(spans.map(redact), done),
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}
