/**
 * The words of one simple command, as a POSIX shell splits them: quotes, `$VAR` and `${VAR}` from
 * `vars`, up to the first operator (`>`, `|`, `||`, `&&`, `;`, `&`) or comment. Command substitution,
 * arithmetic, globs, unknown variables and unquoted values that would split again all throw.
 */
export function shellWords(line: string, vars: Readonly<Record<string, string>>): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  const expand = (quoted: boolean): string => {
    const match = /^\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/.exec(line.slice(i));
    if (!match) throw new Error(`cannot expand "${line.slice(i, i + 12)}…" without a shell: ${line.trim()}`);
    const name = (match[1] ?? match[2])!;
    const value = vars[name];
    if (value === undefined) throw new Error(`no representative value for $${name}: ${line.trim()}`);
    if (!quoted && /\s|^$/.test(value)) throw new Error(`unquoted $${name} ("${value}") would not stay one word: ${line.trim()}`);
    i += match[0].length;
    return value;
  };
  while (i < line.length) {
    const c = line[i]!;
    if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
      i++;
    } else if (/[|&;<>]/.test(c) || (word === undefined && (c === '#' || /^\d+>/.test(line.slice(i))))) {
      break;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unbalanced quote: ${line.trim()}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      word ??= '';
      i++;
      for (;;) {
        const d = line[i];
        if (d === undefined) throw new Error(`unbalanced quote: ${line.trim()}`);
        if (d === '"') break;
        if (d === '`') throw new Error(`command substitution: ${line.trim()}`);
        if (d === '$') word += expand(true);
        else if (d === '\\' && /["\\$`]/.test(line[i + 1] ?? '')) {
          word += line[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      i++;
    } else if (c === '$') {
      word = (word ?? '') + expand(false);
    } else if (c === '`' || c === '\\' || /[*?[\]{}()~]/.test(c)) {
      throw new Error(`"${c}" needs a shell to mean anything: ${line.trim()}`);
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}
