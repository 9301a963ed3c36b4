// Prometheus metrics for the whole process, served at /metrics.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  const intakeMessages = new Counter({
    name: 'relais_intake_messages_total',
    help: 'Messages through intake, by source and outcome',
    labelNames: ['source', 'outcome'] as const,
    registers: [registry],
  });
  const intakeSeconds = new Histogram({
    name: 'relais_intake_request_seconds',
    help: 'Intake request latency (HTTP send request or SMTP DATA) until durable',
    labelNames: ['source'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const spoolDepth = new Gauge({ name: 'relais_spool_depth', help: 'Messages waiting in the spool (queued or deferred)', registers: [registry] });
  const bodyFiles = new Gauge({ name: 'relais_body_files', help: 'Body files beside a SQLite database (store/body-files.ts)', registers: [registry] });
  const bodyFileBytes = new Gauge({ name: 'relais_body_files_bytes', help: 'Bytes held by the body files beside a SQLite database', registers: [registry] });
  const deliveries = new Counter({
    name: 'relais_delivery_attempts_total',
    help: 'Delivery attempts by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  return { registry, intakeMessages, intakeSeconds, spoolDepth, bodyFiles, bodyFileBytes, deliveries };
}

export type Metrics = ReturnType<typeof createMetrics>;
