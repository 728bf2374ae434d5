/**
 * zod's default messages ("Too big: expected number to be <=2") rephrased for people. Messages
 * our schemas wrote themselves (they name their field) pass through unchanged.
 */
const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
};

export function friendlyMessage(message: string): string {
  const bound =
    /^Too (big|small): expected (\w+) to (?:be|have) ([<>]=?)(-?[\d.]+)(?: (characters|items))?$/.exec(
      message,
    );
  if (bound) {
    const [, , , operator = '', value = '', unit] = bound;
    if (unit === 'characters') {
      if (operator === '>=' && value === '1') return 'Must not be empty';
      return operator.startsWith('<')
        ? `At most ${value} characters`
        : `At least ${value} characters`;
    }
    if (unit === 'items') {
      return operator.startsWith('<') ? `At most ${value} items` : `At least ${value} items`;
    }
    switch (operator) {
      case '<=':
        return `Must be at most ${value}`;
      case '<':
        return `Must be less than ${value}`;
      case '>=':
        return `Must be at least ${value}`;
      default:
        return `Must be more than ${value}`;
    }
  }
  const type = /^Invalid input: expected (\w+), received \w+$/.exec(message);
  const expected = type?.[1] && TYPE_NAMES[type[1]];
  if (expected) return `Must be ${expected}`;
  return message;
}
