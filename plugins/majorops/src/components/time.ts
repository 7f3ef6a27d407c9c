/** "3 min ago", "2 h ago", "5 days ago": how long ago an ISO timestamp was, relative to now. */
export function timeAgo(iso: string, now: Date = new Date()): string {
  if (Number.isNaN(Date.parse(iso))) return 'unknown';
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/** Duration between two ISO timestamps as "1 h 12 min", or undefined when either is missing. */
export function durationBetween(from?: string, to?: string): string | undefined {
  if (!from || !to || Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to))) {
    return undefined;
  }
  const minutes = Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 60000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 48) return rest ? `${hours} h ${rest} min` : `${hours} h`;
  return `${Math.round(hours / 24)} days`;
}
