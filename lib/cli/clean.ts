// The one filter for text that came from outside (a server's error, description, remedy, trace id,
// warning, device-code message; a value a person typed) before the CLI prints it on a terminal:
// no escape sequence, control character or bidi override can reach stdout or stderr. JSON output
// keeps the data and escapes the same characters instead.

/**
 * Terminal escape sequences: OSC (title, OSC-8 hyperlinks; ended by BEL or ST, or by the end of the
 * text), DCS/SOS/PM/APC strings, CSI (cursor, colour, clear screen), and any other ESC sequence;
 * also the 8-bit OSC and CSI (any other C1 control is dropped alone).
 */
// eslint-disable-next-line no-control-regex
const ESCAPE_SEQUENCES = /\x1b\][\s\S]*?(?:\x07|\x1b\\|$)|\x9d[\s\S]*?(?:\x07|\x9c|$)|\x1b[PX^_][\s\S]*?(?:\x1b\\|$)|\x1b\[[0-?]*[ -/]*[@-~]?|\x9b[0-?]*[ -/]*[@-~]?|\x1b[ -/]*[0-~]?/g;
/** Line breaks and tabs (a field is printed on one line). */
const BREAKS = /[\r\n\t\v\f\u2028\u2029\u0085]+/g;
/** C0 and C1 controls, DEL, and the Unicode bidi embeddings, overrides and isolates. */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/** `text` as one printable line: escape sequences removed, line breaks as spaces, controls dropped. */
export function cleanLine(text: string): string {
  return text.replace(ESCAPE_SEQUENCES, '').replace(BREAKS, ' ').replace(CONTROLS, '');
}

/** JSON text whose strings show C1 controls, DEL and bidi controls as \u escapes (JSON.stringify escapes only C0). */
export function escapeJsonText(json: string): string {
  return json.replace(/[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
