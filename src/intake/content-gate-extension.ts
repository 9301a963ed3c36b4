// Registers the content gate in every node's intake pipeline, before the spool.
import { intakeSteps } from '../runtime/relais-node.ts';
import { contentGateStep } from './content-gate.ts';

intakeSteps.push({ before: 'spool', step: contentGateStep });
