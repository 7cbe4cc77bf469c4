import { toDecimalString } from '../common/money';
import type {
  SettlementDispute,
  SettlementPayment,
  SettlementRefund,
} from './settlements.repository';

/**
 * One money movement, named like Mercado Pago's release report so the two can be matched column
 * by column. Amounts are minor units here, signed as the report signs them: fees, refunds and
 * chargebacks take money away (negative), net is split into credit and debit.
 */
export interface SettlementRow {
  date: Date;
  source_id: number | null;
  payment_id: string;
  refund_id: string | null;
  external_reference: string | null;
  record_type: 'release' | 'total';
  description: 'payment' | 'refund' | 'chargeback' | 'chargeback_reimbursed' | 'total';
  currency: string;
  gross_amount: number;
  mp_fee_amount: number;
  financing_fee_amount: number;
  shipping_fee_amount: number;
  coupon_amount: number;
  net_credit_amount: number;
  net_debit_amount: number;
  money_release_date: Date | null;
  money_release_status: string | null;
  transaction_approval_date: Date | null;
  installments: number | null;
  payment_method: string | null;
  credential_id: string | null;
  dispute_id: string | null;
}

export const COLUMNS = [
  'date',
  'source_id',
  'payment_id',
  'refund_id',
  'external_reference',
  'record_type',
  'description',
  'currency',
  'gross_amount',
  'mp_fee_amount',
  'financing_fee_amount',
  'shipping_fee_amount',
  'coupon_amount',
  'net_credit_amount',
  'net_debit_amount',
  'money_release_date',
  'money_release_status',
  'transaction_approval_date',
  'installments',
  'payment_method',
  'credential_id',
  'dispute_id',
] as const satisfies readonly (keyof SettlementRow)[];

const AMOUNTS = [
  'gross_amount',
  'mp_fee_amount',
  'financing_fee_amount',
  'shipping_fee_amount',
  'coupon_amount',
  'net_credit_amount',
  'net_debit_amount',
] as const satisfies readonly (keyof SettlementRow)[];
type AmountColumn = (typeof AMOUNTS)[number];

/** Which report column each fee the seller pays falls in (fees the payer pays are not ours). */
const FEE_COLUMN: Record<string, AmountColumn> = {
  mercadopago_fee: 'mp_fee_amount',
  // Mercado Pago's report puts its own and the marketplace's commission in one column.
  application_fee: 'mp_fee_amount',
  financing_fee: 'financing_fee_amount',
  shipping_fee: 'shipping_fee_amount',
  coupon_fee: 'coupon_amount',
  discount_fee: 'coupon_amount',
};

function net(amount: number): Pick<SettlementRow, 'net_credit_amount' | 'net_debit_amount'> {
  return amount >= 0
    ? { net_credit_amount: amount, net_debit_amount: 0 }
    : { net_credit_amount: 0, net_debit_amount: -amount };
}

/**
 * A payment's row: what it brought in as Mercado Pago reports it now. Its fees are today's (a
 * refund gives its share back), and its net is net_received_amount plus what was refunded, so
 * the payment's row and its refunds' rows add up to Mercado Pago's net_received_amount.
 */
export function paymentRow(payment: SettlementPayment): SettlementRow {
  const fees = {
    mp_fee_amount: 0,
    financing_fee_amount: 0,
    shipping_fee_amount: 0,
    coupon_amount: 0,
  };
  let collectorFees = 0;
  for (const fee of payment.feeDetails ?? []) {
    if (fee.fee_payer !== 'collector') continue;
    fees[FEE_COLUMN[fee.type] as keyof typeof fees] -= fee.amount;
    collectorFees += fee.amount;
  }
  const netAmount =
    payment.netReceivedAmount === null
      ? payment.amount - collectorFees
      : payment.netReceivedAmount + payment.amountRefunded;
  return {
    date: payment.dateApproved!,
    source_id: payment.mercadopagoId,
    payment_id: payment.id,
    refund_id: null,
    external_reference: payment.externalReference,
    record_type: 'release',
    description: 'payment',
    currency: payment.currencyId,
    gross_amount: payment.amount,
    ...fees,
    ...net(netAmount),
    money_release_date: payment.moneyReleaseDate,
    money_release_status: payment.moneyReleaseStatus,
    transaction_approval_date: payment.dateApproved,
    installments: payment.installments,
    payment_method: payment.paymentMethodId,
    credential_id: payment.credentialId,
    dispute_id: null,
  };
}

type Movement = SettlementRefund | SettlementDispute;

/** A refund's or a chargeback's row: money moved at once, so released on its own date. */
function movementRow(
  movement: Movement,
  amount: number,
  ids: Pick<SettlementRow, 'description' | 'refund_id' | 'dispute_id'>,
): SettlementRow {
  return {
    date: movement.at,
    source_id: movement.mercadopagoId,
    payment_id: movement.paymentId,
    refund_id: ids.refund_id,
    external_reference: movement.externalReference,
    record_type: 'release',
    description: ids.description,
    currency: movement.currencyId,
    gross_amount: amount,
    mp_fee_amount: 0,
    financing_fee_amount: 0,
    shipping_fee_amount: 0,
    coupon_amount: 0,
    ...net(amount),
    money_release_date: movement.at,
    money_release_status: 'released',
    transaction_approval_date: movement.dateApproved,
    installments: movement.installments,
    payment_method: movement.paymentMethodId,
    credential_id: movement.credentialId,
    dispute_id: ids.dispute_id,
  };
}

/** A refund's row: the money given back, debited at once. */
export const refundRow = (refund: SettlementRefund) =>
  movementRow(refund, -refund.amount, {
    description: 'refund',
    refund_id: refund.id,
    dispute_id: null,
  });

/** A chargeback's row: the disputed amount, taken from the seller when the case opens. */
export const chargebackRow = (dispute: SettlementDispute) =>
  movementRow(dispute, -dispute.amount, {
    description: 'chargeback',
    refund_id: null,
    dispute_id: dispute.id,
  });

/** A chargeback won (covered): the amount given back to the seller when it was decided. */
export const reimbursedRow = (dispute: SettlementDispute) =>
  movementRow(dispute, dispute.amount, {
    description: 'chargeback_reimbursed',
    refund_id: null,
    dispute_id: dispute.id,
  });

/** Sums per currency while rows stream by; one `total` row per currency at the end. */
export class Totals {
  private readonly sums = new Map<string, Record<AmountColumn, number>>();

  add(row: SettlementRow): void {
    let sums = this.sums.get(row.currency);
    if (!sums) {
      sums = Object.fromEntries(AMOUNTS.map((column) => [column, 0])) as Record<
        AmountColumn,
        number
      >;
      this.sums.set(row.currency, sums);
    }
    for (const column of AMOUNTS) sums[column] += row[column];
  }

  rows(at: Date): SettlementRow[] {
    return [...this.sums].map(([currency, sums]) => ({
      date: at,
      source_id: null,
      payment_id: '',
      refund_id: null,
      external_reference: null,
      record_type: 'total',
      description: 'total',
      currency,
      ...sums,
      money_release_date: null,
      money_release_status: null,
      transaction_approval_date: null,
      installments: null,
      payment_method: null,
      credential_id: null,
      dispute_id: null,
    }));
  }
}

/** A signed amount in major units, as text ("-4.49"); CLP has no decimals. */
function decimal(minor: number, currency: string): string {
  const text = toDecimalString(Math.abs(minor), currency);
  return minor < 0 ? `-${text}` : text;
}

function value(row: SettlementRow, column: keyof SettlementRow): string | number | null {
  const cell = row[column];
  if (cell instanceof Date) return cell.toISOString();
  if ((AMOUNTS as readonly string[]).includes(column)) {
    return decimal(cell as number, row.currency);
  }
  return cell;
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvField(cell: string | number | null): string {
  if (cell === null) return '';
  const text = String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvHeader = () => `${COLUMNS.map((column) => column.toUpperCase()).join(',')}\r\n`;

export const csvLine = (row: SettlementRow) =>
  `${COLUMNS.map((column) => csvField(value(row, column))).join(',')}\r\n`;

/** JSON lines: the same columns in lower case; amounts are JSON numbers like every amount. */
export function jsonLine(row: SettlementRow): string {
  const out: Record<string, unknown> = {};
  for (const column of COLUMNS) {
    const cell = value(row, column);
    out[column] = (AMOUNTS as readonly string[]).includes(column) ? Number(cell) : cell;
  }
  return `${JSON.stringify(out)}\n`;
}
