export const SCOPES = [
  'payments:read',
  'payments:write',
  'refunds:write',
  'customers:write',
  'credentials:admin',
  'tokens:admin',
  'webhooks:admin',
] as const;

export type Scope = (typeof SCOPES)[number];
