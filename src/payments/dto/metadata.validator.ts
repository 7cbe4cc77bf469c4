import { ValidationOptions, registerDecorator } from 'class-validator';

export const METADATA_LIMITS = { keys: 50, keyLength: 40, valueLength: 500, bytes: 4096 };

/** A flat object of scalars, small enough to keep on every payment and send to Mercado Pago. */
export function IsFlatMetadata(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isFlatMetadata',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `$property must be a flat object of at most ${METADATA_LIMITS.keys} keys (≤ ${METADATA_LIMITS.keyLength} chars) with string, number, boolean or null values (strings ≤ ${METADATA_LIMITS.valueLength} chars), ${METADATA_LIMITS.bytes} bytes in all`,
        ...options,
      },
      validator: {
        validate: (value: unknown) => {
          if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          if (entries.length > METADATA_LIMITS.keys) return false;
          if (Buffer.byteLength(JSON.stringify(value)) > METADATA_LIMITS.bytes) return false;
          return entries.every(
            ([key, v]) =>
              key.length > 0 &&
              key.length <= METADATA_LIMITS.keyLength &&
              (v === null ||
                typeof v === 'boolean' ||
                (typeof v === 'number' && Number.isFinite(v)) ||
                (typeof v === 'string' && v.length <= METADATA_LIMITS.valueLength)),
          );
        },
      },
    });
}
