import { ValidationOptions, registerDecorator } from 'class-validator';

const DECIMAL = /^\d{1,15}(\.\d{1,10})?$/;

/**
 * A positive amount in major units, as a JSON number or a decimal string. The currency's own
 * rule (how many decimals) is applied once the credentials, and so the currency, are known.
 */
export function IsAmount(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isAmount',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: '$property must be a positive amount as a number or decimal string (e.g. 10.50)',
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          (typeof value === 'number' &&
            Number.isFinite(value) &&
            value > 0 &&
            DECIMAL.test(String(value))) ||
          (typeof value === 'string' && DECIMAL.test(value) && /[1-9]/.test(value)),
      },
    });
}
