import { Type } from 'class-transformer';
import type { ClassConstructor } from 'class-transformer';
import { isJsonLeaf } from '../json/push-json';

/**
 * Plain JSON → DTO instances, for class-validator. class-transformer's plainToInstance cost 27 µs of a
 * push's 70 µs of validation (profiled, issue 6) for what a push needs: the DTO classes, their nested
 * classes, and the values as they are (no conversion, no exposure rules). This does exactly that, with
 * the nested classes declared by {@link NestedType} (which also applies class-transformer's @Type, so
 * plainToInstance still gives the same instances to anyone who calls it).
 *
 * The same results as plainToInstance(cls, plain, { enableImplicitConversion: false }) for parsed JSON:
 * every key of the object is set on a new instance, except one that would hide a method of the class
 * (a "toString" field is dropped, as class-transformer drops it); a nested field holding an object
 * becomes an instance of its class, one holding an array has each object item made an instance, and any
 * other value (null, a string where an object belongs) is kept for the rules to refuse. Objects in fields
 * without a class are copied by the same rule, as plain objects. test/dto/instantiate.test.ts holds the
 * two together on generated bodies.
 */
// Keyed by the DTO class a decorator was applied to (its prototype's constructor).
const nestedTypes = new Map<object, Map<string, () => ClassConstructor<object>>>();

/** A field holding an object (or list of objects) of class `type()`: for {@link instantiate} and class-transformer. */
export function NestedType(type: () => ClassConstructor<object>): PropertyDecorator {
  const transformerType = Type(type);
  return (target, propertyKey) => {
    const fields = nestedTypes.get(target.constructor) ?? new Map<string, () => ClassConstructor<object>>();
    fields.set(String(propertyKey), type);
    nestedTypes.set(target.constructor, fields);
    transformerType(target, propertyKey);
  };
}

/** `plain` (parsed JSON, already free of prototype keys) as an instance of `cls`, nested classes included. */
export function instantiate<T extends object>(cls: ClassConstructor<T>, plain: Record<string, unknown>): T {
  const instance = new cls() as Record<string, unknown>;
  const nested = nestedTypes.get(cls);
  for (const key of Object.keys(plain)) {
    if (typeof instance[key] === 'function') continue;
    const value = plain[key];
    const type = nested?.get(key);
    instance[key] = instantiateValue(type ? type() : Object, value);
  }
  return instance as T;
}

/** An object field's value; `Object` for a field without a nested class (its objects are copied the same way). */
function instantiateValue(cls: ClassConstructor<object>, value: unknown): unknown {
  if (Array.isArray(value)) {
    // A list of primitives (999,999 package numbers) is kept as it is: there is nothing in it to make.
    return value.every(isJsonLeaf) ? value : value.map((item) => instantiateValue(cls, item));
  }
  // A number as sent (a LosslessNumber) is a value, kept as it is.
  return isJsonLeaf(value) ? value : instantiate(cls, value as Record<string, unknown>);
}
