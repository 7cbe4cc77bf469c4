import type { EmulatorOptions } from './emulator.config';
import type { FaultRegistry } from './faults/faults.state';
import type { NotificationSender } from './notifications/notification.sender';
import type { ChargebacksService } from './services/chargebacks.service';
import type { CustomersService } from './services/customers.service';
import type { PaymentsService } from './services/payments.service';
import type { RefundsService } from './services/refunds.service';
import type { AccountRegistry } from './state/accounts.state';
import type { RingLog } from './state/ring-log.state';
import type { EmulatorStore } from './state/store.state';
import type { Timers } from './state/timers.state';

export interface RecordedRequest {
  method: string;
  path: string;
  route: string | null;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
  status: number;
  /** Epoch ms; the control API shows it as an ISO date. */
  at: number;
}

/** Everything the route modules share; one per running emulator. */
export interface EmulatorContext {
  options: EmulatorOptions;
  clock: () => number;
  accounts: AccountRegistry;
  store: EmulatorStore;
  payments: PaymentsService;
  refunds: RefundsService;
  chargebacks: ChargebacksService;
  customers: CustomersService;
  notifications: NotificationSender;
  faults: FaultRegistry;
  requests: RingLog<RecordedRequest>;
  timers: Timers;
  /** Clears all state and registers the default and configured applications again. */
  reset(): void;
}
