// Shared line splitting of truth sections.

/** The non-blank lines of a section (none when the section is missing). */
export function dataLines(text: string | undefined): string[] {
  if (!text) return [];
  return text.split('\n').filter((l) => l.trim() !== '');
}
