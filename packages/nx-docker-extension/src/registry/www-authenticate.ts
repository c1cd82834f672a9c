// Parses a registry's `WWW-Authenticate` challenge: `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`.

export interface AuthChallenge {
  /** Lower-cased scheme: 'basic' or 'bearer' (others are kept so errors can name them). */
  scheme: string;
  params: Record<string, string>;
}

/**
 * Returns every challenge in the header (a registry may offer more than one), params keyed lower-case.
 * Quoted values may contain commas and escaped quotes.
 */
export function parseWwwAuthenticate(header: string | null | undefined): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  if (!header) return challenges;
  let i = 0;
  const n = header.length;
  const skip = (re: RegExp) => {
    while (i < n && re.test(header[i])) i++;
  };
  while (i < n) {
    skip(/[\s,]/);
    const schemeStart = i;
    skip(/[^\s,=]/);
    const scheme = header.slice(schemeStart, i);
    if (!scheme) break;
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    // params: name=value or name="quoted", separated by commas; a bare token not followed by '=' starts a new challenge
    for (;;) {
      skip(/[\s,]/);
      const nameStart = i;
      skip(/[^\s,=]/);
      const name = header.slice(nameStart, i);
      skip(/\s/);
      if (!name || header[i] !== '=') {
        i = nameStart;
        break;
      }
      i++; // '='
      skip(/\s/);
      let value = '';
      if (header[i] === '"') {
        i++;
        while (i < n && header[i] !== '"') {
          if (header[i] === '\\' && i + 1 < n) i++;
          value += header[i++];
        }
        i++; // closing quote
      } else {
        const valueStart = i;
        skip(/[^\s,]/);
        value = header.slice(valueStart, i);
      }
      challenge.params[name.toLowerCase()] = value;
    }
  }
  return challenges;
}
