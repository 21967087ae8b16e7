/** Every command prints in these formats: text for terminals, json for machines, markdown for PR comments. */
export const FORMATS = ['text', 'json', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

/**
 * How one command's result is printed, in every format. Each renderer returns the whole output,
 * ending in one newline. A new command adds its templates in templates/ and one `Renderers` in
 * src/render/, or beside its result when the command's folder sits above src/render (synth, generate).
 */
export type Renderers<T> = { readonly [F in Format]: (result: T) => string };

export function render<T>(renderers: Renderers<T>, result: T, format: Format): string {
  return renderers[format](result);
}

/** The json format: stable shapes, two-space indented. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
