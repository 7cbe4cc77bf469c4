import { randomUUID } from 'node:crypto';
import { isRecord, type Json } from '../common/body.util';
import { badRequest } from '../common/mp-error.util';

/**
 * How often a fault applies. The share is spread evenly rather than drawn at random (0.5 hits
 * every second matching request), so a test that injects "half of the requests fail" is repeatable.
 */
class Budget {
  private seen = 0;

  constructor(
    private readonly share: number,
    private remaining: number | null,
  ) {}

  /** Listed faults show how much of the budget is left, not the counters behind it. */
  toJSON(): { share: number; remaining: number | null } {
    return { share: this.share, remaining: this.remaining };
  }

  take(): boolean {
    if (this.remaining === 0) return false;
    this.seen += 1;
    const hit = Math.floor(this.seen * this.share) > Math.floor((this.seen - 1) * this.share);
    if (hit && this.remaining !== null) this.remaining -= 1;
    return hit;
  }
}

function readBudget(body: Json): Budget {
  const share = body.share ?? 1;
  if (typeof share !== 'number' || share < 0 || share > 1)
    throw badRequest(1, 'share must be from 0 to 1');
  const count = body.count ?? null;
  if (count !== null && (typeof count !== 'number' || !Number.isInteger(count) || count < 0)) {
    throw badRequest(1, 'count must be a whole number');
  }
  return new Budget(share, count);
}

function readOptionalNumber(body: Json, key: string): number | null {
  const value = body[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || value < 0)
    throw badRequest(1, `${key} must be a positive number`);
  return value;
}

export interface RouteFault {
  id: string;
  method: string | null;
  path: string;
  status: number | null;
  latency_ms: number | null;
  timeout: boolean;
  retry_after: number | null;
  body: unknown;
  /** Let the request do its work (e.g. create the payment), then fail the answer. */
  after: boolean;
  applied: number;
  budget: Budget;
}

export type NotificationFaultMode = 'drop' | 'duplicate' | 'reorder' | 'delay';

export interface NotificationFault {
  id: string;
  mode: NotificationFaultMode;
  delay_ms: number;
  window_ms: number;
  applied: number;
  budget: Budget;
}

const MODES: NotificationFaultMode[] = ['drop', 'duplicate', 'reorder', 'delay'];
/** How long reordered notifications are held when nobody releases them. */
const DEFAULT_REORDER_WINDOW_MS = 1000;

function pick<T extends { budget: Budget; applied: number }>(
  faults: T[],
  matches: (fault: T) => boolean,
): T | null {
  for (const fault of faults) {
    if (matches(fault) && fault.budget.take()) {
      fault.applied += 1;
      return fault;
    }
  }
  return null;
}

export class FaultRegistry {
  private routes: RouteFault[] = [];
  private notifications: NotificationFault[] = [];

  addRoute(input: unknown): RouteFault {
    const body = isRecord(input) ? input : {};
    if (typeof body.path !== 'string' || !body.path.startsWith('/')) {
      throw badRequest(1, 'path is required: a route pattern such as /v1/payments/:id');
    }
    const status = readOptionalNumber(body, 'status');
    if (status !== null && (!Number.isInteger(status) || status < 100 || status > 599)) {
      throw badRequest(1, 'status must be an HTTP status code');
    }
    const fault: RouteFault = {
      id: randomUUID(),
      method: typeof body.method === 'string' ? body.method.toUpperCase() : null,
      path: body.path,
      status,
      latency_ms: readOptionalNumber(body, 'latency_ms'),
      timeout: body.timeout === true,
      retry_after: readOptionalNumber(body, 'retry_after'),
      body: body.body ?? null,
      after: body.after === true,
      applied: 0,
      budget: readBudget(body),
    };
    this.routes.push(fault);
    return fault;
  }

  addNotification(input: unknown): NotificationFault {
    const body = isRecord(input) ? input : {};
    const mode = MODES.find((m) => m === body.mode);
    if (!mode) throw badRequest(1, `mode must be one of ${MODES.join(', ')}`);
    const fault: NotificationFault = {
      id: randomUUID(),
      mode,
      delay_ms: readOptionalNumber(body, 'delay_ms') ?? 0,
      window_ms: readOptionalNumber(body, 'window_ms') ?? DEFAULT_REORDER_WINDOW_MS,
      applied: 0,
      budget: readBudget(body),
    };
    this.notifications.push(fault);
    return fault;
  }

  /** The fault for this request, if one matches by method and route pattern (or concrete path). */
  forRequest(method: string, routePattern: string | undefined, path: string): RouteFault | null {
    return pick(
      this.routes,
      (f) =>
        (f.method === null || f.method === method) && (f.path === routePattern || f.path === path),
    );
  }

  forNotification(): NotificationFault | null {
    return pick(this.notifications, () => true);
  }

  list(): { routes: RouteFault[]; notifications: NotificationFault[] } {
    return { routes: this.routes, notifications: this.notifications };
  }

  clearRoutes(): void {
    this.routes = [];
  }

  clearNotifications(): void {
    this.notifications = [];
  }
}
