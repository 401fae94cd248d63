// The large value the config concurrency specs write, so a torn or mixed file is detectable; no I/O.

/** The blob a writer of generation `gen` saves: its character and length both depend on gen. */
export function blobOf(gen: number): string {
  return String.fromCharCode(97 + (gen % 26)).repeat(200_000 + (gen % 7) * 50_000);
}
