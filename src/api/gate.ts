/** A counting gate: `enter` resolves when fewer than `limit` holders are in; `leave` lets the next in. */
export function gate(limit: number) {
  let inside = 0;
  const waiting: Array<() => void> = [];
  return {
    enter: () => new Promise<void>((admitted) => {
      if (inside < limit) {
        inside++;
        admitted();
      } else waiting.push(admitted);
    }),
    leave: () => {
      const next = waiting.shift();
      if (next) next();
      else inside--;
    },
    inside: () => inside,
    waiting: () => waiting.length,
  };
}
