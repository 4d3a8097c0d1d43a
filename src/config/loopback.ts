import { isIPv4, isIPv6 } from 'node:net';

/**
 * Whether a host name or address stays on this machine: 127.0.0.0/8, ::1 or localhost.
 * Anything else counts as not loopback, including look-alikes such as
 * 127.0.0.1.evil.com and forms this list does not name (::ffff:127.0.0.1): when in
 * doubt, the safe answer is "not loopback".
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const name = bare.toLowerCase();
  if (name === 'localhost') return true;
  if (isIPv4(name)) return name.startsWith('127.');
  // The URL parser writes every spelling of an IPv6 address (0:0:...:1) the same way.
  if (isIPv6(name)) return new URL(`http://[${name}]`).hostname === '[::1]';
  return false;
}

/** Whether a URL's host is loopback; an unparsable URL is not. */
export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}
