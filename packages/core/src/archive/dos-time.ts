const MIN_YEAR = 1980;
const MAX_YEAR = 2107;

/**
 * MS-DOS date and time, in local time as zip readers expect; clamped to 1980..2107, the range the
 * format can hold (an epoch-zero time would otherwise wrap to a date zip tools reject).
 */
export function toDosDateTime(date: Date): { date: number; time: number } {
  let year = date.getFullYear();
  let month = date.getMonth() + 1;
  let day = date.getDate();
  let hours = date.getHours();
  let minutes = date.getMinutes();
  let seconds = date.getSeconds();
  if (Number.isNaN(year) || year < MIN_YEAR) {
    [year, month, day, hours, minutes, seconds] = [MIN_YEAR, 1, 1, 0, 0, 0];
  } else if (year > MAX_YEAR) {
    [year, month, day, hours, minutes, seconds] = [MAX_YEAR, 12, 31, 23, 59, 58];
  }
  return {
    date: ((year - MIN_YEAR) << 9) | (month << 5) | day,
    time: (hours << 11) | (minutes << 5) | Math.floor(seconds / 2),
  };
}

/** Whole seconds since the epoch, clamped to what a signed 32-bit field holds. */
export function toUnixSeconds(date: Date): number {
  const seconds = Math.floor(date.getTime() / 1000);
  if (Number.isNaN(seconds)) return 0;
  return Math.max(-0x80000000, Math.min(0x7fffffff, seconds));
}
