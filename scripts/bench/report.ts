// The bench's result rows and their printing as a Markdown table (the README carries the same table). No measuring.

export interface Row {
  what: string;
  measured: string;
  budget: string;
  /** undefined: reported only, no budget. */
  pass?: boolean | undefined;
}

export function verdict(row: Row, asserted: boolean): string {
  if (row.pass === undefined) return '';
  if (!asserted) return row.pass ? '(pass)' : '(miss)';
  return row.pass ? 'PASS' : 'MISS';
}

export function table(rows: Row[], asserted: boolean): string {
  const lines = ['| what | measured | budget | result |', '|---|---|---|---|'];
  for (const row of rows) lines.push(`| ${row.what} | ${row.measured} | ${row.budget} | ${verdict(row, asserted)} |`);
  return lines.join('\n');
}
