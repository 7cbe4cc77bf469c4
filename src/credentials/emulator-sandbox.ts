/**
 * The offline emulator's default sandbox application (emulator/README.md). It lives here because
 * the service seeds it as its zero-settings default while src/ loads emulator/ only when it starts
 * the embedded emulator; the emulator takes its defaults from this file.
 */
export const EMULATOR_DEFAULT_ACCESS_TOKEN =
  'TEST-0000000000000001-010100-00000000000000000000000000000001-1000000001';
export const EMULATOR_DEFAULT_PUBLIC_KEY = 'TEST-00000000-0000-4000-8000-000000000001';
export const EMULATOR_DEFAULT_WEBHOOK_SECRET = 'emulator-webhook-secret';
export const EMULATOR_DEFAULT_SITE_ID = 'MLB';
